"""Full-text search over Chinese without a word segmenter: character n-grams as tokens.

Chinese has no spaces, so a word tokenizer sees a whole sentence as one word; SQLite's trigram
tokenizer cannot match a two-character query (屯留), and PostgreSQL's parser depends on the
server's locale. So we tokenize ourselves, the same way for both databases: every CJK character
gives a unigram and, with its neighbour, a bigram; every run of letters and digits gives a word.
Each token is written as ASCII letters and hex digits (屯 → u5c6f, 屯留 → b5c6f7559), which
FTS5's unicode61 tokenizer and PostgreSQL's 'simple' configuration both keep whole, whatever
the locale. A query's tokens are ANDed; a word is matched as a prefix (204 finds 2040201). The
index finds candidates; ``matches`` then keeps those that contain the query's runs contiguously.
"""
from __future__ import annotations

import re
import unicodedata

# A CJK run, or a run of ASCII letters/digits; anything else separates tokens.
_RUNS = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+")
MAX_QUERY_TOKENS = 24  # a pasted paragraph is cut to its first tokens, not sent as a huge query


def normalize(text: str) -> str:
    """NFKC (full-width ２０２４ and Ａ become ASCII) and lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def _is_cjk(run: str) -> bool:
    return not run[0].isascii()


def grams(text: str) -> str:
    """The tokens of ``text`` as one space-separated string (what the index stores)."""
    tokens: list[str] = []
    seen: set[str] = set()
    for run in _RUNS.findall(normalize(text)):
        if _is_cjk(run):
            codes = [f"{ord(ch):x}" for ch in run]
            found = [f"u{c}" for c in codes] + [f"b{a}{b}" for a, b in zip(codes, codes[1:])]
        else:
            found = [f"w{run}"]
        for token in found:
            if token not in seen:  # a token once per document is enough for matching
                seen.add(token)
                tokens.append(token)
    return " ".join(tokens)


def query_runs(query: str) -> list[str]:
    return _RUNS.findall(normalize(query))


def query_tokens(query: str) -> list[tuple[str, bool]]:
    """(token, is_prefix) for the query: a CJK run by its bigrams (one character: its unigram),
    an ASCII run as a word prefix."""
    tokens: list[tuple[str, bool]] = []
    for run in query_runs(query):
        if _is_cjk(run):
            codes = [f"{ord(ch):x}" for ch in run]
            if len(codes) == 1:
                tokens.append((f"u{codes[0]}", False))
            else:
                tokens += [(f"b{a}{b}", False) for a, b in zip(codes, codes[1:])]
        else:
            tokens.append((f"w{run}", True))
    unique = list(dict.fromkeys(tokens))
    return unique[:MAX_QUERY_TOKENS]


def fts5_query(tokens: list[tuple[str, bool]]) -> str:
    # Tokens are [a-z0-9] only, so quoting cannot be broken out of.
    return " AND ".join(f'"{t}"' + ("*" if prefix else "") for t, prefix in tokens)


def tsquery(tokens: list[tuple[str, bool]]) -> str:
    return " & ".join(t + (":*" if prefix else "") for t, prefix in tokens)


def matches(text: str, query: str) -> bool:
    """Whether ``text`` holds every run of the query contiguously (the n-grams only say it may)."""
    haystack = normalize(text)
    return all(run in haystack for run in query_runs(query))


def snippet(text: str, query: str, width: int = 40) -> str:
    """A few words around the first run of the query found in ``text``."""
    haystack = normalize(text)
    runs = query_runs(query)
    at = min((haystack.find(r) for r in runs if r in haystack), default=-1)
    if at < 0:
        return text[: 2 * width]
    start = max(0, at - width)
    end = min(len(text), at + width)
    return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")

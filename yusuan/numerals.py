"""Chinese numerals as reports number their items: 一、 … 十二、, both ways."""
from __future__ import annotations

NUMERALS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 12 → 十二, 30 → 三十."""
    if n <= 10:
        return NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else NUMERALS[tens - 1]) + "十" + (NUMERALS[ones - 1] if ones else "")


def chinese_index(text: str) -> int | None:
    """一 → 1, 十二 → 12, 二十 → 20; None if not a numeral."""
    if not text or any(ch not in NUMERALS for ch in text):
        return None
    if "十" not in text:
        return NUMERALS.index(text) + 1 if len(text) == 1 else None
    tens, _, ones = text.partition("十")
    return (NUMERALS.index(tens) + 1 if tens else 1) * 10 + (NUMERALS.index(ones) + 1 if ones else 0)

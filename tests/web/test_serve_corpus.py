"""`yusuan serve CORPUS`: the reports a corpus keeps whole (reports.report_json) are published
without their source files — the same pages as served from the folder — with the catalogs the
ingest read with; a corpus made before it kept them is still served from its sources."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

from sqlalchemy import select

from tests.web.conftest import ROOT, SEED_KEY
from tests.web.test_serve import SEED_TEXT, yusuan

SMALL = ROOT / "tests" / "data" / "small-budget.yaml"


def _store(path: Path):
    from yusuan.store.db import open_store

    return open_store(f"sqlite:///{path}")


def _units(sessions) -> dict[tuple[str, int], str]:
    """(unit key, year) → the source it was published from."""
    from yusuan.store.models import ReportRow, Unit

    with sessions() as s:
        rows = s.execute(select(Unit.key, ReportRow.year, ReportRow.source).join(ReportRow, ReportRow.unit_id == Unit.id))
        return {(key, year): source for key, year, source in rows}


def _pages(db: Path, units, strip: str) -> dict:
    """Every unit page, its tables and findings (API), with ``strip`` (where the sources were) removed."""
    from fastapi.testclient import TestClient

    from yusuan.web.app import create_app

    found = {}
    with TestClient(create_app(f"sqlite:///{db}")) as client:
        for key, year in units:
            page = client.get(f"/unit/{key}/{year}")
            assert page.status_code == 200
            tables = client.get(f"/api/units/{key}/{year}/tables").json()
            found[(key, year)] = {
                "page": re.sub(r'data-etag="[^"]*"', "", page.text.replace(strip, "")),
                "tables": [client.get(f"/api/units/{key}/{year}/tables/{t['id']}").json() for t in tables],
                "findings": client.get(f"/api/units/{key}/{year}/findings").json(),
            }
    return found


def test_a_corpus_is_served_without_its_sources_with_the_same_figures(tmp_path):
    from yusuan.store.sources import publish_sources

    src = tmp_path / "src"
    done = yusuan("synth", "--units", 2, "--seed", 3, "--years", "2023-2024", "-o", src)
    assert done.returncode == 0, done.stderr
    shutil.copy(SEED_TEXT, src / "seed.txt")
    done = yusuan("ingest", "src", "--out", "corpus", "--jobs", 1, cwd=tmp_path)
    assert done.returncode == 0, done.stderr

    engine, sessions = _store(tmp_path / "folder.db")
    said: list[str] = []
    assert publish_sources(sessions, [src], echo=said.append).counts["published"] == 5, said
    from_folder = _units(sessions)
    engine.dispose()

    shutil.rmtree(src)  # the sources gone: the corpus alone is served
    engine, sessions = _store(tmp_path / "corpus.db")
    said = []
    outcome = publish_sources(sessions, [tmp_path / "corpus"], echo=said.append)
    assert outcome.counts["published"] == 5 and outcome.counts["unreadable"] == 0, said
    from_corpus = _units(sessions)
    assert set(from_corpus) == set(from_folder) and len(from_corpus) == 5
    assert all(source.startswith("src/") for source in from_corpus.values())  # as the ingest was given them
    # served again: the same bytes (sha256 from the corpus) are left as they are
    again = publish_sources(sessions, [tmp_path / "corpus"], echo=said.append)
    assert again.counts["unchanged"] == 5 and again.counts["published"] == 0
    engine.dispose()

    folder_pages = _pages(tmp_path / "folder.db", from_folder, f"{tmp_path}/")
    corpus_pages = _pages(tmp_path / "corpus.db", from_corpus, "")
    for key in from_folder:
        assert corpus_pages[key] == folder_pages[key], key
    seed = corpus_pages[(SEED_KEY, 2024)]
    assert "6640.71" in seed["page"] and seed["findings"]["total"] > 0  # real figures, and its findings
    budget_units = [key for key in from_corpus if key[0] != SEED_KEY]
    assert all(re.fullmatch(r"\d+", key) for key, _ in budget_units)  # the budget's unit code, from budget_json


def test_the_catalogs_of_the_ingest_are_kept_and_its_reports_served_with_them(tmp_path):
    """A budget naming a code that only the user's --catalog has: the corpus keeps the catalog's
    bytes, and serves the report without the budget or the catalog."""
    import duckdb

    from yusuan.store.sources import publish_sources

    src = tmp_path / "src"
    src.mkdir()
    text = SMALL.read_text(encoding="utf-8").replace("func: 2040201, econ: 30201", "func: 2040288, econ: 30201")
    (src / "budget.yaml").write_text(text, encoding="utf-8")
    codes = tmp_path / "codes.csv"
    codes.write_text("catalog,code,name\nfunctional,2040288,新设公安项目\n", encoding="utf-8")
    done = yusuan("ingest", src, "--out", tmp_path / "corpus", "--jobs", 1, "--catalog", codes)
    assert done.returncode == 0, done.stderr
    [kept] = list((tmp_path / "corpus" / "catalogs").iterdir())
    assert kept.read_bytes() == codes.read_bytes()
    connection = duckdb.connect(str(tmp_path / "corpus" / "corpus.duckdb"), read_only=True)
    connection.execute(f"SET file_search_path = '{tmp_path / 'corpus'}'")
    assert connection.execute("SELECT catalogs FROM reports").fetchall() == [(kept.stem,)]
    connection.close()

    shutil.rmtree(src)
    codes.unlink()
    engine, sessions = _store(tmp_path / "portal.db")
    said: list[str] = []
    assert publish_sources(sessions, [tmp_path / "corpus"], echo=said.append).counts["published"] == 1, said
    [(key, year)] = _units(sessions)
    engine.dispose()
    page = _pages(tmp_path / "portal.db", [(key, year)], "")[(key, year)]
    assert "新设公安项目" in page["page"]


def _as_before(corpus: Path) -> None:
    """The corpus as an earlier yusuan wrote it: its reports parts without the columns added since."""
    import pyarrow.parquet as pq

    from yusuan.corpus.store import Corpus

    for part in (corpus / "parts" / "reports").glob("*.parquet"):
        table = pq.read_table(part)
        pq.write_table(table.drop_columns(["catalogs", "report_json", "budget_json"]), part, compression="zstd")
    Corpus(corpus).build_database()


def test_a_corpus_made_before_is_served_from_its_sources(tmp_path):
    from yusuan.corpus.store import Corpus
    from yusuan.store.sources import publish_sources

    src = tmp_path / "src"
    done = yusuan("synth", "--units", 2, "--seed", 5, "--years", "2024", "-o", src)
    assert done.returncode == 0, done.stderr
    done = yusuan("ingest", src, "--out", tmp_path / "corpus", "--jobs", 1)
    assert done.returncode == 0, done.stderr
    _as_before(tmp_path / "corpus")

    engine, sessions = _store(tmp_path / "portal.db")
    said: list[str] = []
    outcome = publish_sources(sessions, [tmp_path / "corpus"], echo=said.append)
    assert outcome.counts["published"] == 2, said
    assert any("made before it kept each report whole" in line for line in said)
    assert all(Path(source).is_file() for source in _units(sessions).values())  # read from the source files
    engine.dispose()

    moved = tmp_path / "moved"
    src.rename(moved)  # an old corpus needs its sources: without them nothing is served
    engine, sessions = _store(tmp_path / "other.db")
    said = []
    outcome = publish_sources(sessions, [tmp_path / "corpus"], echo=said.append)
    assert outcome.counts["published"] == 0 and sum("not where" in line for line in said) == 2, said
    engine.dispose()
    moved.rename(src)

    # an ingest into the old corpus adds reports kept whole: old and new parts open together
    more = yusuan("synth", "--units", 1, "--seed", 9, "--years", "2025", "-o", tmp_path / "more")
    assert more.returncode == 0, more.stderr
    done = yusuan("ingest", src, tmp_path / "more", "--out", tmp_path / "corpus", "--jobs", 1)
    assert done.returncode == 0, done.stderr
    with Corpus(tmp_path / "corpus").connect() as connection:
        assert connection.execute("SELECT count(*), count(report_json) FROM reports").fetchone() == (3, 1)
    src.rename(moved)
    engine, sessions = _store(tmp_path / "mixed.db")
    said = []
    outcome = publish_sources(sessions, [tmp_path / "corpus"], echo=said.append)
    assert outcome.counts["published"] == 1 and sum("not where" in line for line in said) == 2, said
    engine.dispose()

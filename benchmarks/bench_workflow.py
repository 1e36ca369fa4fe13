"""The bureau's workflow under a deadline's load (issue 15): N generated budgets uploaded at once
through the upload page, then checked by one and by two `yusuan worker` processes.

    python benchmarks/bench_workflow.py [--drafts 100] [--workers 1,2] [--db URL]

For each worker count, a fresh database: the units registered, a publisher of all of them, the
drafts uploaded (20 files a request, the page's limit) through the real app (TestClient, no
worker running), then the workers started with --once and timed until every draft is checked.
Prints the upload time, the wall time until all are checked (worker start-up included) and the
drafts per minute, and the same from the jobs' own first start to last finish (start-up
excluded). The budgets come from `yusuan synth --units N` (one year each). SQLite by default
(a file in a temporary folder); --db postgresql://…/name uses that server, one new database
per run beside the one named (the URL's user must be allowed to CREATE DATABASE).

The workers run with YUSUAN_DRAFT_PAGES=0: the timed figure is the checking. Before that, in
the same run, what the isolation costs a draft: read and checked in this process (the baseline)
against the same in the worker's capped, forked process (yusuan/jobs.py in_capped_process),
and what a budget draft's own pages cost (our PDF rendered and read back for the boxes, in a
fresh interpreter: yusuan/draft_pages.py) against its check.
"""
from __future__ import annotations

import argparse
import csv
import os
import re
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "benchmark password"
# The CLI as this interpreter runs it (no `python -m yusuan`: the package has no __main__)
CLI = [sys.executable, "-c", "import sys; from yusuan.cli import main; sys.argv[0] = 'yusuan'; sys.exit(main())"]
PER_REQUEST = 20  # the upload page takes at most 20 files a request (docs/workflow.md)


def synthesize(count: int, folder: Path) -> list[Path]:
    done = subprocess.run([*CLI, "synth", "--units", str(count), "--years", "2024", "-o", str(folder)],
                          capture_output=True, text=True)
    if done.returncode:
        raise SystemExit(f"yusuan synth failed:\n{done.stderr}")
    files = sorted(folder.rglob("*.yaml"))
    assert len(files) == count, f"synth wrote {len(files)} budgets, not {count}"
    return files


def units_of(folder: Path) -> list[dict]:
    with open(folder / "units.csv", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def fresh_database(base: str | None, tmp: Path, run: str) -> str:
    if not base:
        return f"sqlite:///{tmp / f'{run}.db'}"
    from tests.web.workflow_fixtures import fresh_postgres

    return fresh_postgres(base)


def set_up(url: str, units: list[dict]) -> None:
    """The units (matched to a draft by the budget's unit code) and a publisher of them all."""
    from yusuan.store.db import open_store
    from yusuan.store.workflow import create_account
    from yusuan.store.workflow_models import ManagedUnit

    engine, sessions = open_store(url)
    seen: set[str] = set()
    for u in units:
        # synth repeats a name under another code (屯留区教育局 of departments 0003 and 0004);
        # a managed unit's name is unique, and drafts are matched on the code anyway.
        if u["name"] in seen:
            u["name"] = f"{u['name']}（{u['code']}）"
        seen.add(u["name"])
    with sessions.begin() as s:
        managed = [ManagedUnit(name=u["name"], code=u["code"], region="屯留区",
                               department=u.get("department") or u["name"]) for u in units]
        s.add_all(managed)
        s.flush()
        create_account(s, "bench", PASSWORD, "publisher", units=managed)
    engine.dispose()


def upload_all(url: str, files: list[Path]) -> float:
    warnings.filterwarnings("ignore", message=".*httpx.*")  # starlette's note on its TestClient, not ours
    from fastapi.testclient import TestClient

    from yusuan.web.app import create_app

    os.environ["YUSUAN_WORKERS"] = "0"  # no worker thread in the app: the timed workers do the checking
    app = create_app(url)
    client = TestClient(app, follow_redirects=False)
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    response = client.post("/login", data={"name": "bench", "password": PASSWORD, "csrf": token, "next": "/drafts"})
    assert response.status_code == 303, response.text[:300]
    started = time.perf_counter()
    for i in range(0, len(files), PER_REQUEST):
        batch = files[i:i + PER_REQUEST]
        response = client.post("/drafts/upload", data={"csrf": token},
                               files=[("files", (p.name, p.read_bytes(), "application/x-yaml")) for p in batch])
        assert response.status_code == 303, response.text[:300]
    elapsed = time.perf_counter() - started
    app.state.engine.dispose()
    return elapsed


def check_all(url: str, workers: int) -> tuple[float, float, dict[str, int]]:
    """Wall seconds until every worker stopped (all checked), seconds from the first draft
    checked to the last (the workers' start-up left out), and the drafts by status."""
    from sqlalchemy import func, select

    from yusuan.store.db import open_store
    from yusuan.store.workflow_models import Draft, Job

    env = dict(os.environ, YUSUAN_WORKERS="0", YUSUAN_DRAFT_PAGES="0")
    started = time.perf_counter()
    processes = [subprocess.Popen([*CLI, "worker", "--once", "--db", url], env=env,
                                  stdout=subprocess.DEVNULL) for _ in range(workers)]
    for p in processes:
        if p.wait() != 0:
            raise SystemExit(f"a worker stopped with status {p.returncode}")
    wall = time.perf_counter() - started
    engine, sessions = open_store(url)
    with sessions() as s:
        statuses = dict(s.execute(select(Draft.status, func.count()).group_by(Draft.status)).all())
        # Jobs keep no start time, so the start-up-free span is first finish → last finish.
        first, last = s.execute(select(func.min(Job.finished_at), func.max(Job.finished_at))).one()
        per_worker = dict(s.execute(select(Job.worker, func.count()).group_by(Job.worker)).all())
    engine.dispose()
    span = (last - first).total_seconds() if first and last else float("nan")
    statuses["workers used"] = len(per_worker)
    return wall, span, statuses


def isolation_cost(files: list[Path], count: int, pages: int) -> None:
    """Milliseconds a draft: read+check here, the same in the capped process, and the pages."""
    from yusuan.draft_pages import in_fresh_process
    from yusuan.jobs import CappedProcess, in_capped_process, read_and_check

    sample = files[:count]
    read_and_check(str(sample[0]), sample[0].name)  # warm: templates and catalog loaded once, as in a worker
    runner = CappedProcess()  # a worker's: forked once, then file after file
    in_capped_process(read_and_check, sample[0].name, sample[0].read_bytes(), runner=runner)
    started = time.perf_counter()
    results = [read_and_check(str(p), p.name) for p in sample]
    direct = (time.perf_counter() - started) / len(sample) * 1000
    started = time.perf_counter()
    for p in sample:
        outcome = in_capped_process(read_and_check, p.name, p.read_bytes(), runner=runner)
        assert "refused" not in outcome, outcome
    capped = (time.perf_counter() - started) / len(sample) * 1000
    runner.close()
    started = time.perf_counter()
    for p in sample:  # a process forked for each file: what the worker avoids
        in_capped_process(read_and_check, p.name, p.read_bytes())
    forked = (time.perf_counter() - started) / len(sample) * 1000
    print(f"read+check of one draft, mean of {len(sample)}: in this process {direct:.0f} ms (baseline), "
          f"in the worker's capped process {capped:.0f} ms ({capped / direct:.2f}×), "
          f"in a process forked per file {forked:.0f} ms ({forked / direct:.2f}×)  load {os.getloadavg()[0]:.1f}")
    if not pages:
        return
    started = time.perf_counter()
    for p, result in zip(sample[:pages], results):
        findings = [{"rule": f.rule, "location": {k: v for k, v in f.location._asdict().items() if v is not None}}
                    for f in result["findings"]]
        with tempfile.TemporaryDirectory() as folder:
            outcome = in_fresh_process(result["report"].to_json(), findings, Path(folder))
        assert "refused" not in outcome, outcome
    drawn = (time.perf_counter() - started) / min(pages, len(sample)) * 1000
    print(f"a budget draft's pages (PDF rendered, read back, findings boxed), mean of {min(pages, len(sample))}: "
          f"{drawn:.0f} ms, {drawn / capped:.1f}× its check  load {os.getloadavg()[0]:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--drafts", type=int, default=100)
    parser.add_argument("--workers", default="1,2", help="worker counts to time, comma-separated")
    parser.add_argument("--db", default=None, help="a PostgreSQL URL (default: SQLite in a temporary folder)")
    parser.add_argument("--sample", type=int, default=20, help="drafts timed in and out of the capped process")
    parser.add_argument("--pages", type=int, default=3, help="drafts whose pages are timed (0: none)")
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",")]

    with tempfile.TemporaryDirectory(prefix="bench-workflow-") as folder:
        tmp = Path(folder)
        files = synthesize(args.drafts, tmp / "budgets")
        units = units_of(tmp / "budgets")
        print(f"{len(files)} generated budgets (yusuan synth), {sum(p.stat().st_size for p in files) / 1e6:.1f} MB, "
              f"{os.cpu_count()} CPUs, database {'PostgreSQL' if args.db else 'SQLite'}")
        isolation_cost(files, args.sample, args.pages)
        print(f"{'workers':>7} {'upload s':>9} {'checked s':>10} {'drafts/min':>11} {'after 1st s':>12} "
              f"{'drafts/min':>11}  statuses")
        for n in counts:
            url = fresh_database(args.db, tmp, f"run{n}")
            set_up(url, units)
            upload = upload_all(url, files)
            wall, span, statuses = check_all(url, n)
            per_min = len(files) / wall * 60
            # span runs from the first draft finished to the last: len-1 drafts in it
            per_min_span = (len(files) - 1) / span * 60 if span == span and span > 0 else float("nan")
            # The load average says how much else ran: on a shared machine two workers gain only
            # what the other processes leave them.
            print(f"{n:>7} {upload:>9.1f} {wall:>10.1f} {per_min:>11.0f} {span:>12.1f} {per_min_span:>11.0f}  "
                  f"{statuses}  load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()

"""The portal under a bounded loopback load: N generated units published, then the unit page,
the search and the API requested by a few client threads for a fixed count.

    python benchmarks/bench_web.py [--units 1000] [--requests 400] [--threads 4] [--db URL]

Prints load time, requests/s and p50/p99 latency per endpoint, and the server's memory. The
server runs in a child process (uvicorn, one worker) on 127.0.0.1; nothing leaves the machine.
The issue's goal: unit page p99 < 50 ms with 1,000 units.
"""
from __future__ import annotations

import argparse
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def publish(url: str, units: int) -> float:
    from tests.check.generate import generate_budget
    from yusuan.check import check
    from yusuan.context import Context
    from yusuan.derive import derive
    from yusuan.store.db import open_store
    from yusuan.store.ingest import store_report, unit_info_of
    from yusuan.templates import load

    engine, sessions = open_store(url)
    context = Context.create("shanxi-2024")
    template = load("shanxi-2024", 2024)
    start = time.perf_counter()
    for i in range(units):
        budget = generate_budget(random.Random(i))
        unit = budget.unit.model_copy(update={"name": f"测试单位{i:04d}号", "code": f"B{i:04d}",
                                              "department": f"测试部门{i % 40:02d}", "region": f"测试县{i % 7}(区)"})
        budget = budget.model_copy(update={"unit": unit})
        report = derive(budget, context)
        with sessions.begin() as session:
            store_report(session, report, check(report, None, template), budget=budget, info=unit_info_of(budget),
                         origin="budget")
    engine.dispose()
    return time.perf_counter() - start


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def load(base: str, paths: list[str], requests: int, threads: int) -> tuple[float, list[float], int, list[float]]:
    import httpx

    latencies: list[float] = []
    in_app: list[float] = []  # the server's own time per request (its Server-Timing header), seconds
    errors = 0
    lock = threading.Lock()
    per_thread = requests // threads

    def worker(n: int) -> None:
        nonlocal errors
        rng = random.Random(n)
        with httpx.Client(base_url=base, timeout=30) as client:
            for _ in range(per_thread):
                path = rng.choice(paths)
                t = time.perf_counter()
                response = client.get(path)
                elapsed = time.perf_counter() - t
                timing = response.headers.get("server-timing", "")
                with lock:
                    latencies.append(elapsed)
                    if "dur=" in timing:
                        in_app.append(float(timing.split("dur=")[1].split(",")[0]) / 1000)
                    errors += response.status_code != 200

    start = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return time.perf_counter() - start, latencies, errors, in_app


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=400, help="per endpoint")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    parser.add_argument("--no-publish", action="store_true",
                        help="--db already holds the generated units (from an earlier run): measure only")
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="yusuan-bench-web-")
    url = args.db or f"sqlite:///{folder}/portal.db"
    if not (args.no_publish and args.db):
        seconds = publish(url, args.units)
        print(f"published {args.units} generated units in {seconds:.1f} s ({args.units / seconds:.1f} reports/s)")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-c", (
        "import uvicorn, sys; from yusuan.web.app import create_app; "
        f"uvicorn.run(create_app({url!r}), host='127.0.0.1', port={port}, log_level='warning')")], cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx

        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/api/years", timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        rng = random.Random(0)
        sample = [f"B{rng.randrange(args.units):04d}" for _ in range(200)]
        endpoints = {
            "unit page (cold)": [f"/unit/{key}/2024" for key in sample],
            "unit page (warm)": [f"/unit/{key}/2024" for key in sample[:50]],
            "search": [f"/search?q={quote(q)}" for q in ("测试单位0123号", "行政运行", "2040201", "测试项目", "公用经费", "聘用")],
            "API units": [f"/api/units?page={p}&per_page=50" for p in range(1, 21)],
            "API table": [f"/api/units/{key}/2024/tables/3" for key in sample],
            "API search": [f"/api/search?q={quote(q)}&per_page=20" for q in ("测试部门07", "社会保障", "30101")],
        }
        for name, paths in endpoints.items():
            if name == "unit page (warm)":  # every page of the sample requested once
                load(base, paths, len(paths), 1)
            seconds, latencies, errors, in_app = load(base, paths, args.requests, args.threads)
            app_time = (f"  in the app: p50 {1000 * quantile(in_app, .5):5.1f} ms  p99 {1000 * quantile(in_app, .99):6.1f} ms"
                        if in_app else "")
            print(f"{name:18s} {len(latencies) / seconds:7.1f} req/s  p50 {1000 * quantile(latencies, .5):6.1f} ms  "
                  f"p99 {1000 * quantile(latencies, .99):6.1f} ms  errors {errors}{app_time}")
        print(f"server memory (RSS) {rss_mb(server.pid):.0f} MB; {args.threads} client threads, "
              f"{args.requests} requests per endpoint, {os.cpu_count()} cores shared by client and server")
    finally:
        server.terminate()
        server.wait(10)


if __name__ == "__main__":
    main()

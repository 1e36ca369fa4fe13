"""The portal under a bounded loopback load: N generated units published, then the unit page,
the search and the API requested over a few keep-alive connections for a fixed count, in several
server configurations measured in the same run (the first is the baseline):

    baseline   1 worker process, every unit page made anew (create_app(page_cache=False))
    cached     1 worker process, whole unit pages kept gzipped by their ETag
    workers    `yusuan serve --workers N` (default: one per core), pages cached

The search is measured twice: six queries asked at random (the app keeps a page of results by
the store's state, so after the first asking these measure that), and 240 different pages of
those queries asked once each ("each new": the whole search, as for a query nobody asked yet).

    python benchmarks/bench_web.py [--units 1000] [--requests 800] [--connections 4] [--workers N]
                                   [--db URL [--no-publish]] [--postgres] [--configs baseline,cached,workers]

Prints, per configuration and endpoint, requests/s and p50/p99 latency (with the time inside the
app from each response's Server-Timing header), the server's memory (all its processes) and the
load generator's own CPU. The load generator is one asyncio process speaking HTTP/1.1 over
keep-alive sockets (a few % of a core), so that on a 2-core machine it does not take the cores
the server is measured on, as client threads with an HTTP library did. Nothing leaves 127.0.0.1.
`--postgres` publishes into a throwaway PostgreSQL cluster (tests/web/postgres.py) instead of a
SQLite file. The issue's goal: unit page p99 < 50 ms with 1,000 units.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import resource
import socket
import subprocess
import sys
import tempfile
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


# --- the server's memory: every process it started (uvicorn's workers) -------------------------

def _children() -> dict[int, list[int]]:
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _tree_of(pid: int) -> list[int]:
    tree, todo, found = _children(), [pid], []
    while todo:
        p = todo.pop()
        found.append(p)
        todo += tree.get(p, [])
    return found


def cpu_seconds(pid: int) -> float:
    """CPU time used so far by ``pid`` and its descendants (user + system): what a request costs
    the server whatever else the machine is doing, unlike its latency on shared cores."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for p in _tree_of(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total / ticks


def rss_mb(pid: int) -> tuple[float, int]:
    """(resident memory in MB, number of processes) of ``pid`` and its descendants."""
    total, count = 0, 0
    for p in _tree_of(pid):
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
                    count += 1
        except OSError:
            pass
    return total / 1024, count


# --- the load generator ------------------------------------------------------------------------

async def _get(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, path: str) -> tuple[int, float | None]:
    """One GET on a keep-alive connection: (status, the app's time in seconds if it said)."""
    writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept-Encoding: gzip\r\n\r\n".encode("ascii"))
    status = int((await reader.readline()).split()[1])
    length, chunked, in_app = 0, False, None
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        name, value = name.strip().lower(), value.strip()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding":
            chunked = "chunked" in value
        elif name == "server-timing" and "dur=" in value:
            in_app = float(value.split("dur=")[1].split(",")[0].split(";")[0]) / 1000
    if chunked:
        while True:
            size = int((await reader.readline()).strip() or b"0", 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status, in_app


def load(port: int, paths: list[str], requests: int, connections: int, shuffle: bool = True):
    """``requests`` GETs of ``paths`` (drawn at random, or each once in order when not
    ``shuffle``) over ``connections`` concurrent keep-alive connections. Returns seconds,
    latencies, errors, times in the app, and this process's CPU seconds meanwhile."""
    rng = random.Random(0)
    todo = [rng.choice(paths) for _ in range(requests)] if shuffle else list(paths)[:requests]
    latencies: list[float] = []
    in_app: list[float] = []
    errors = 0

    async def connection() -> None:
        nonlocal errors
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            while todo:
                path = todo.pop()
                start = time.perf_counter()
                status, app_time = await _get(reader, writer, path)
                latencies.append(time.perf_counter() - start)
                if app_time is not None:
                    in_app.append(app_time)
                errors += status != 200
        finally:
            writer.close()

    async def run() -> None:
        await asyncio.gather(*(connection() for _ in range(connections)))

    cpu = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter()
    asyncio.run(run())
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    return seconds, latencies, errors, in_app, (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)


def quantile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


# --- the server --------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(config: str, url: str, port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    if config == "workers":  # the command a user runs
        code = ("import sys; from yusuan.cli import main; "
                f"sys.argv = ['yusuan', 'serve', '--db', {url!r}, '--port', '{port}', '--workers', '{workers}']; main()")
    else:
        code = ("import uvicorn; from yusuan.web.app import create_app; "
                f"uvicorn.run(create_app({url!r}, page_cache={config == 'cached'}), host='127.0.0.1', port={port}, "
                "log_level='warning')")
    server = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 90
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                pass
            seconds, _, errors, _, _ = load(port, ["/api/years"] * 8, 8, 4)  # every worker up
            if not errors:
                return server
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the portal ({config}) did not start")
        time.sleep(0.3)


class ConnectionSpread:
    """How the load's connections were shared among the server's worker processes, seen once
    shortly after they connect (ss(8)): uvicorn's workers accept from one listening socket, and
    the first awake takes every connection waiting — four opened at once often all go to one
    worker, which then serves them one request at a time while the other is idle. A p99 of
    several times the CPU per request is that queue."""

    def __init__(self, port: int, workers: int):
        self.port, self.workers, self.seen = port, workers, ""

    def sample_soon(self) -> None:
        import threading

        self.seen = "?"
        threading.Timer(0.3, self._sample).start()

    def _sample(self) -> None:
        import re

        try:
            out = subprocess.run(["ss", "-tnpH", "state", "established", f"sport = :{self.port}"],
                                 capture_output=True, text=True, timeout=5).stdout
        except (OSError, subprocess.SubprocessError):
            return
        pids = re.findall(r"pid=(\d+)", out)
        counts = sorted((pids.count(p) for p in set(pids)), reverse=True)
        self.seen = "+".join(str(n) for n in counts + [0] * (self.workers - len(counts)))

    def result(self) -> str:
        return self.seen


def stop_server(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(20)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


SEARCHES = ("测试单位0123号", "行政运行", "2040201", "测试项目", "公用经费", "聘用")


def measure(config: str, url: str, units: int, args) -> None:
    port = free_port()
    server = start_server(config, url, port, args.workers)
    try:
        rng = random.Random(0)
        first = [f"/unit/B{i:04d}/2024" for i in rng.sample(range(units), min(units, args.requests))]
        warm = [f"/unit/B{rng.randrange(units):04d}/2024" for _ in range(50)]
        endpoints = {
            "unit page (first visits)": (first, False),
            "unit page (repeat visits)": (warm, True),
            "search": ([f"/search?q={quote(q)}" for q in SEARCHES], True),
            # each asked once (a page of its hits): what a search costs when no process has it yet
            "search (each new)": ([f"/search?q={quote(q)}&page={p}" for p in range(1, 41) for q in SEARCHES], False),
            "API units": ([f"/api/units?page={p}&per_page=50" for p in range(1, 21)], True),
            "API table": ([f"/api/units/B{rng.randrange(units):04d}/2024/tables/3" for _ in range(200)], True),
            "API search": ([f"/api/search?q={quote(q)}&per_page=20" for q in ("测试部门07", "社会保障", "30101")], True),
        }
        spread = ConnectionSpread(port, args.workers) if config == "workers" else None
        for name, (paths, shuffle) in endpoints.items():
            if name == "unit page (repeat visits)":
                # each requested before, 8 times over all connections: every worker process (each
                # has its own cache, and a connection stays with one) has most likely seen each
                load(port, paths * 8, len(paths) * 8, args.connections, shuffle=False)
            count = len(paths) if not shuffle else args.requests
            server_cpu = cpu_seconds(server.pid)
            if spread is not None:
                spread.sample_soon()
            seconds, latencies, errors, in_app, cpu = load(port, paths, count, args.connections, shuffle)
            server_cpu = cpu_seconds(server.pid) - server_cpu
            shared = f"; connections per worker {spread.result()}" if spread is not None else ""
            print(f"  {name:26s} {len(latencies) / seconds:7.1f} req/s  p50 {1000 * quantile(latencies, .5):6.1f} ms  "
                  f"p99 {1000 * quantile(latencies, .99):6.1f} ms  errors {errors}  "
                  f"server CPU {1000 * server_cpu / len(latencies):5.1f} ms/request  "
                  f"(in the app p50 {1000 * quantile(in_app, .5):5.1f} / p99 {1000 * quantile(in_app, .99):6.1f} ms; "
                  f"client CPU {100 * cpu / seconds:3.0f}% of a core{shared})", flush=True)
        memory, processes = rss_mb(server.pid)
        print(f"  server memory (RSS, {processes} processes): {memory:.0f} MB", flush=True)
    finally:
        stop_server(server)


def main() -> None:
    from yusuan.commands.serve import default_workers

    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=800, help="per endpoint")
    parser.add_argument("--connections", type=int, default=4, help="concurrent keep-alive connections")
    parser.add_argument("--workers", type=int, default=default_workers(), help="of the 'workers' configuration")
    parser.add_argument("--db", default=None, help="a database URL (default: a new SQLite file)")
    parser.add_argument("--postgres", action="store_true", help="a throwaway PostgreSQL cluster instead of SQLite")
    parser.add_argument("--no-publish", action="store_true",
                        help="--db already holds the generated units (from an earlier run): measure only")
    parser.add_argument("--configs", default="baseline,cached,workers")
    args = parser.parse_args()
    cluster = None
    if args.postgres:
        from tests.web.postgres import Cluster

        cluster = Cluster()
        url = cluster.start()
    else:
        url = args.db or f"sqlite:///{tempfile.mkdtemp(prefix='yusuan-bench-web-')}/portal.db"
    try:
        if not (args.no_publish and args.db):
            seconds = publish(url, args.units)
            print(f"published {args.units} generated units in {seconds:.1f} s ({args.units / seconds:.1f} reports/s)")
        from yusuan.store.db import open_store
        from yusuan.web.unit_page import fill_stored

        engine, sessions = open_store(url)  # migrated before any server starts
        start = time.perf_counter()
        filled = fill_stored(sessions)  # as a publication stores them now (an earlier run's database)
        if filled:
            print(f"stored the unit pages' pieces of {filled} reports published before 0005 "
                  f"in {time.perf_counter() - start:.1f} s")
        engine.dispose()
        database = "PostgreSQL" if url.startswith("postgres") else "SQLite"
        load_average = os.getloadavg()[0]
        print(f"{database}, {args.units} units; {args.connections} connections from one asyncio client; "
              f"{os.cpu_count()} cores shared by client and server (load average {load_average:.1f})")
        for config in args.configs.split(","):
            label = {"baseline": "baseline: 1 worker, no page cache", "cached": "1 worker, page cache",
                     "workers": f"yusuan serve --workers {args.workers}, page cache"}[config]
            print(label, flush=True)
            measure(config, url, args.units, args)
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    main()

"""Work over many inputs: in this process, or in worker processes (reading a PDF is CPU-bound)."""
from __future__ import annotations

import gc
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DEFAULT_JOBS = os.cpu_count() or 1


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')  # separators, and what Windows forbids in a name


def folder_name(path: Path) -> str:
    """The folder an input's outputs go to inside OUT: its stem, made a plain name that cannot
    leave OUT — separators and control characters replaced, no leading dot ("...yaml" has the
    stem "..", a hidden name would be skipped when the folder is read), never empty."""
    name = _UNSAFE.sub("_", path.stem).strip()
    name = name.lstrip(".") if name.strip(".") else ""
    return name[:120] or "unnamed"


RECORD = ".yusuan-folders.json"  # in OUT: each folder a batch wrote → the input it came from


def folder_names(files: Sequence[Path], out: Path | None = None, reserved: Sequence[str] = ()) -> list[str]:
    """A distinct folder name per input: each ``folder_name``, numbered -2, -3 … where two would
    meet — compared without case (macOS and Windows disks fold it), and a number never lands on
    another input's own name (s1/x.yaml, s2/x.yaml and x-2.yaml: x, x-3, x-2).

    With ``out``, a name is also free only if nothing is at OUT/name yet, or what is there was
    written from the same input by an earlier batch (OUT's record, ``claim_folders``): a rerun
    overwrites its own unit's folder, never another input's, nor a folder yusuan did not write.
    ``reserved``: names the command writes itself in OUT (read's index.csv)."""
    wanted = [folder_name(path) for path in files]
    taken = {name.casefold() for name in wanted}
    used: set[str] = {name.casefold() for name in reserved}
    record = _record(out) if out is not None else {}
    present = _present(out) if out is not None else set()

    def free(name: str, source: str) -> bool:
        key = name.casefold()
        return key not in used and (key not in present or record.get(key) == source)

    names = []
    for path, name in zip(files, wanted):
        source = _source(path)
        chosen, n = name, 1
        while not free(chosen, source) or (chosen != name and chosen.casefold() in taken):
            n += 1
            chosen = f"{name}-{n}"
        used.add(chosen.casefold())
        names.append(chosen)
    return names


def claim_folders(files: Sequence[Path], out: Path, names: Sequence[str]) -> None:
    """Before anything of a batch is written: record in OUT which input each folder is for, and
    say on stderr where a folder on disk made an input's name change."""
    import json

    from .render import atomic_write

    record = _record(out)
    present = _present(out)
    for path, name in zip(files, names):
        plain = folder_name(path)
        if name != plain and plain.casefold() in present and record.get(plain.casefold()) != _source(path):
            print(f"note: {path} goes to {out / name}: {out / plain} holds "
                  + (f"the outputs of {record[plain.casefold()]}" if plain.casefold() in record else "files yusuan did not write there"),
                  file=sys.stderr, flush=True)
        record[name.casefold()] = _source(path)
    mine = {name.casefold() for name in names}  # once, not once per recorded folder
    record = {key: source for key, source in sorted(record.items()) if key in present or key in mine}
    out.mkdir(parents=True, exist_ok=True)
    atomic_write(out / RECORD, json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))


def _source(path: Path) -> str:
    return str(Path(path).resolve())


def _present(out: Path) -> set[str]:
    try:
        return {entry.name.casefold() for entry in out.iterdir()}
    except OSError:  # no OUT yet
        return set()


def _record(out: Path) -> dict[str, str]:
    """OUT's record of folder → input; a damaged or foreign one counts as none (its folders are
    then left alone: not recorded, not overwritten)."""
    import json

    try:
        data = json.loads((out / RECORD).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(key).casefold(): value for key, value in data.items() if isinstance(value, str)}


def list_found(files) -> int:
    """Say on stderr what a folder held that is not worked on (expand_inputs): a broken link or a
    loop is an error line (the exit code is then at least 2 — a file the user meant may be
    missing), a link leading outside the folder a note. Returns the least exit code."""
    for line in getattr(files, "problems", ()):
        print(f"error: {line}", file=sys.stderr, flush=True)
    for line in getattr(files, "skipped", ()):
        print(f"note: {line}", file=sys.stderr, flush=True)
    return 2 if getattr(files, "problems", ()) else 0


def memory_limit() -> int:
    """The address space a worker may use (bytes; 0: no limit): limits "worker_memory"."""
    from .limits import limit

    return limit("worker_memory")


def _gigabytes(size: int) -> str:
    return f"{size / 1024**3:.3g} GB"


def out_of_memory() -> str:
    """What a worker says of a file that needed more memory than a worker may use."""
    from .limits import env_name

    return (f"needed more memory than a worker may use ({_gigabytes(memory_limit())}; "
            f"{env_name('worker_memory')} raises the limit)")


def internal_error(exc: BaseException) -> str:
    """What a worker says of a bug of ours on one input, so that the others go on. A MemoryError
    is not a bug but the worker's memory limit reached (RLIMIT_AS makes an allocation fail): the
    input's fault, said as such."""
    if isinstance(exc, MemoryError):
        return out_of_memory()
    return f"internal error ({type(exc).__name__}: {exc}); please report it with this file"


class Interrupted(Exception):
    """A batch stopped by SIGINT or SIGTERM; the command exits 128 + the signal (130, 143)."""

    def __init__(self, signum: int):
        self.signum = signum
        self.code = 128 + signum
        super().__init__(signal.Signals(signum).name)


def _raise_interrupted(signum: int, frame) -> None:
    raise Interrupted(signum)


def _worker_signals() -> None:
    # A worker leaves the stopping to the parent: Ctrl-C reaches the whole process group, and a
    # worker's own KeyboardInterrupt would print a traceback per worker; SIGTERM from the parent
    # ends it at once (the parent's handler, inherited through fork, must not run here).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


@contextmanager
def _stoppable() -> Iterator[None]:
    """SIGINT and SIGTERM raise Interrupted in the main thread while the batch runs (the default
    SIGTERM would kill this process alone and leave its workers running, orphaned)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, _raise_interrupted) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


def _serve(conn, work: Callable[..., Any], memory: int, settle: Callable[[list], list] | None = None) -> None:
    """A worker: for each group of (index, call) received until None, runs ``work(*call)`` of
    each, then ``settle`` over the group's results (see run_all), and sends the outcomes back at
    once; in its own process group (so that ending it also ends what it started, such as the PDF
    reader's forked child) and under the memory limit."""
    _worker_signals()
    # What the parent held when forking (modules, templates, the catalog) stays as it is: frozen,
    # this worker's collections of garbage never go through it again (nor copy its pages).
    gc.freeze()
    try:
        os.setpgid(0, 0)
    except OSError:  # the parent set it first
        pass
    from .limits import cap_memory

    cap_memory(memory)
    while True:
        try:
            task = conn.recv()
        except (EOFError, OSError):
            return
        if task is None:
            return
        outcomes = [(index, _outcome(work, call)) for index, call in task]
        if settle is not None:
            outcomes = _settled(settle, outcomes)
        try:
            conn.send(outcomes)
        except MemoryError:
            conn.send([(index, ("failed", out_of_memory())) for index, _ in outcomes])


def _outcome(work: Callable[..., Any], call: tuple) -> tuple[str, Any]:
    try:
        return ("done", work(*call))
    except MemoryError:
        return ("failed", out_of_memory())
    except Exception as exc:  # work should not raise; if it does, the batch still goes on
        return ("failed", internal_error(exc))


def _settled(settle: Callable[[list], list], outcomes: list[tuple[int, tuple[str, Any]]]) -> list:
    """``settle`` over the done results of a group, each replaced by what it returns for it."""
    done = [n for n, (_, (kind, _)) in enumerate(outcomes) if kind == "done"]
    try:
        values = settle([outcomes[n][1][1] for n in done])
        settled = [("done", value) for value in values]
    except MemoryError:
        settled = [("failed", out_of_memory())] * len(done)
    except Exception as exc:
        settled = [("failed", internal_error(exc))] * len(done)
    outcomes = list(outcomes)
    for n, outcome in zip(done, settled):
        outcomes[n] = (outcomes[n][0], outcome)
    return outcomes


class _Worker:
    """One worker process and the calls it is working on (none when idle)."""

    def __init__(self, work: Callable[..., Any], memory: int, settle: Callable[[list], list] | None = None):
        import multiprocessing

        context = multiprocessing.get_context("fork")  # the parent's loaded modules (and a test's patches) come along
        self.conn, theirs = context.Pipe()
        self.process = context.Process(target=_serve, args=(theirs, work, memory, settle), daemon=True)
        self.process.start()
        theirs.close()  # ours closed, the worker's end is its own: its death is an EOF here
        try:
            os.setpgid(self.process.pid, self.process.pid)  # set from both sides: whichever runs first
        except OSError:
            pass
        self.indices: list[int] = []  # the calls it is working on, as one group
        self.deadline = float("inf")
        self.seconds = 0  # the time limit it was given them under
        self.ended = False  # stopped(): ended, reaped, its pipe closed — never to be given more

    # The group protocol, spoken only here (run_all's workers and run_call's alike): give() sends
    # a group of (index, call), and _serve answers it with one message, a list of
    # (index, (kind, value)); answer() takes it; stopped() ends a worker that will not answer.

    def give(self, group: list[tuple[int, tuple]], seconds: int) -> None:
        """Send it a group of calls to work on, with ``seconds`` (0: none) for the group; raises
        OSError if it died just now (stopped() then says so)."""
        self.indices = [index for index, _ in group]
        self.seconds = seconds
        self.deadline = time.monotonic() + seconds if seconds else float("inf")
        self.conn.send(group)

    def answer(self) -> list[tuple[int, tuple[str, Any]]] | None:
        """The outcomes of the group it was given, if they have come — [(index, ("done", result)
        or ("failed", message))], the worker idle again — or None: still working, or dead (an
        EOF: stopped() tells which)."""
        try:
            if not self.conn.poll():
                return None
            outcomes = self.conn.recv()
        except (EOFError, OSError):
            return None
        self.indices, self.deadline = [], float("inf")
        return outcomes

    def stopped(self) -> str | None:
        """For a worker that has not answered: None while it may still (alive, within its time);
        else it is ended (its process group with it), reaped and its pipe closed, and this is the
        one line that says why its calls have no result — over its time, or ended abruptly (a
        crash, a signal, the memory limit)."""
        late = self.process.is_alive()
        if late and time.monotonic() < self.deadline:
            return None
        self.finish()
        return took_too_long(self.seconds) if late else _ended_by(self)

    def finish(self) -> None:
        """End it now (SIGKILL), reap it and close its pipe."""
        self.end()
        self.process.join(5)
        self.conn.close()
        self.ended = True

    def end(self, signum: int = signal.SIGKILL) -> None:
        """End the worker and everything in its process group (a PDF reader's child with it)."""
        for kill in (lambda: os.killpg(self.process.pid, signum), lambda: os.kill(self.process.pid, signum)):
            try:
                kill()
                break
            except (ProcessLookupError, PermissionError):
                continue

    def close(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass


def _ended_by(worker: _Worker) -> str:
    code = worker.process.exitcode
    how = signal.Signals(-code).name if code is not None and code < 0 else f"exit code {code}"
    limit = memory_limit()
    return (f"its worker process ended abruptly ({how}): a crash, or memory running out"
            + (f" (a worker may use {_gigabytes(limit)}; {_env('worker_memory')} raises the limit)" if limit else ""))


def _env(name: str) -> str:
    from .limits import env_name

    return env_name(name)


def took_too_long(seconds: int) -> str:
    return f"took longer than {seconds} s (limit {_env('file_seconds')}={seconds}; set it higher to allow more, 0 for none)"


def run_all(work: Callable[..., Any], calls: Sequence[tuple], jobs: int,
            done: Callable[[int, int, Any], None], names: Sequence[object] | None = None,
            failed: Callable[[int, str], Any] | None = None, group: int = 1,
            settle: Callable[[list], list] | None = None,
            abandoned: Callable[[list[int], int], None] | None = None) -> list[Any]:
    """``work(*call)`` for every call, results in the calls' order; ``done(count, index, result)``
    as each finishes (in completion order). ``work`` must be a module-level function that does not
    raise for a bad input, so one file cannot stop the others.

    Each call runs in a worker process (``jobs`` of them, forked) under the memory limit (limits
    "worker_memory", RLIMIT_AS) and a time limit per call (limits "file_seconds"): a call over its
    time is ended with its worker, a worker that dies is replaced, and either becomes
    ``failed(index, message)`` — the call's result saying why in one line — while the others go
    on. (Without fork, as on Windows, the calls run here, one by one and without limits.)

    ``group``: a worker is given up to that many calls at once (one message each way, not one per
    call), and ``settle`` (module-level) runs in the worker over the group's results before they
    are sent back, replacing each — build stages a group's files and makes them durable with one
    sync (render/staging.py). A group's time limit is one call's: a group over its time, or whose
    worker died, is not failed as a whole — each of its calls runs again alone, so that only the
    call at fault fails; ``abandoned(indices, pid)`` is told first, in this process, of the calls
    whose worker was ended (to remove what it left staged).

    SIGINT or SIGTERM stops the batch within a second — workers ended, none left behind — says on
    stderr how many were done and which were not (``names``: what to call each call), and raises
    Interrupted."""
    from .limits import limit

    fail = failed or (lambda index, message: message)
    results: list[Any] = [None] * len(calls)
    finished: set[int] = set()
    workers: list[_Worker] = []

    def finish(i: int, result: Any) -> None:
        results[i] = result
        finished.add(i)
        done(len(finished), i, result)

    try:
        with _stoppable():
            if not hasattr(os, "fork"):
                for i, call in enumerate(calls):
                    result = work(*call)
                    finish(i, settle([result])[0] if settle is not None else result)
                return results
            memory, seconds = memory_limit(), limit("file_seconds")
            waiting = list(range(len(calls)))[::-1]  # popped from the end: the calls' order
            alone: set[int] = set()  # calls of a group that failed as a whole: each run again by itself

            def next_group() -> list[tuple[int, tuple]]:
                taken = [waiting.pop()]
                while len(taken) < group and waiting and taken[0] not in alone and waiting[-1] not in alone:
                    taken.append(waiting.pop())
                return [(i, calls[i]) for i in taken]

            workers = [_Worker(work, memory, settle) for _ in range(min(jobs, len(calls)))]
            while len(finished) < len(calls):
                for n, worker in enumerate(workers):
                    if not worker.indices and waiting:
                        if not worker.process.is_alive():  # ended while idle (the kernel's OOM killer)
                            worker.conn.close()
                            worker = workers[n] = _Worker(work, memory, settle)
                        try:
                            worker.give(next_group(), seconds)
                        except OSError:  # it died just now: found dead below, the files said with it
                            pass
                _wait([w for w in workers if w.indices])
                for n, worker in enumerate(workers):
                    if not worker.indices:
                        continue
                    outcomes = worker.answer()
                    if outcomes is not None:
                        for i, (kind, value) in outcomes:
                            finish(i, value if kind == "done" else fail(i, value))
                        continue
                    message = worker.stopped()
                    if message is None:
                        continue
                    # Over its time, or dead: a fresh worker takes its place; a call alone costs one
                    # line, a group's calls are each run again by themselves.
                    if abandoned is not None:
                        abandoned(worker.indices, worker.process.pid)
                    workers[n] = _Worker(work, memory, settle)
                    if len(worker.indices) > 1:
                        alone.update(worker.indices)
                        waiting.extend(reversed(worker.indices))  # next, in their order
                    else:
                        finish(worker.indices[0], fail(worker.indices[0], message))
            for worker in workers:
                worker.close()
            for worker in workers:
                worker.process.join(1)
                if worker.process.is_alive():
                    worker.end()
            return results
    except (Interrupted, KeyboardInterrupt) as exc:
        _stop(workers, abandoned)
        signum = exc.signum if isinstance(exc, Interrupted) else signal.SIGINT
        left = [names[i] if names else f"#{i + 1}" for i in range(len(calls)) if i not in finished]
        shown = ", ".join(map(str, left[:10])) + (f" and {len(left) - 10} more" if len(left) > 10 else "")
        print(f"interrupted ({signal.Signals(signum).name}): {len(finished)} of {len(calls)} done; "
              f"not done: {shown or 'none'}", file=sys.stderr, flush=True)
        raise Interrupted(signum) from None
    except BaseException:
        _stop(workers, abandoned)  # a bug in a done() callback: no worker left behind either
        raise


def _wait(busy: list[_Worker]) -> None:
    """Until one of the busy workers has answered or died, its deadline has come, or a second
    has passed (a signal is then seen within a second)."""
    from multiprocessing.connection import wait

    nearest = min(w.deadline for w in busy) - time.monotonic()
    wait([w.conn for w in busy] + [w.process.sentinel for w in busy], max(0.0, min(nearest, 1.0)))


def run_call(worker: _Worker, call: tuple, seconds: int) -> tuple[str, Any]:
    """``work(*call)`` in ``worker`` (idle), as run_all runs a call — a group of one given, waited
    for under ``seconds`` (0: none) — for a caller that keeps a worker of its own across calls
    (the workflow's job worker, yusuan/jobs.py). Returns ("done", result), the worker idle and
    ready for the next call; or ("failed", one line): the work's own failure (internal_error,
    out_of_memory), the worker still running; or the call over its time, its worker ended
    abruptly, or its answer too big to take in this process — the worker then ended
    (``worker.ended``)."""
    try:
        worker.give([(0, call)], seconds)
    except OSError:
        pass  # it died just now: stopped() says so below
    while True:
        _wait([worker])
        try:
            outcomes = worker.answer()
        except MemoryError:  # its answer too big to take in this process: the file's fault
            worker.finish()
            return ("failed", out_of_memory())
        if outcomes is not None:
            [(_, outcome)] = outcomes
            return outcome
        message = worker.stopped()
        if message is not None:
            return ("failed", message)


def _stop(workers: list[_Worker], abandoned: Callable[[list[int], int], None] | None = None) -> None:
    """End the workers now: what is running is ended (SIGTERM, then SIGKILL after half a
    second), what waits is never started; ``abandoned`` told of what each was working on."""
    main = threading.current_thread() is threading.main_thread()
    # a second Ctrl-C must not interrupt the cleaning up
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)} if main else {}
    try:
        for worker in workers:
            worker.end(signal.SIGTERM)
        deadline = time.monotonic() + 0.5
        for worker in workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.end(signal.SIGKILL)
                worker.process.join(0.5)
        for worker in workers:
            if abandoned is not None and worker.indices and not worker.process.is_alive():
                abandoned(worker.indices, worker.process.pid)
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler)


@contextmanager
def progress(total: int, what: str) -> Iterator[Callable[..., None]]:
    """Yields ``say(line, done=True)``: each line goes to stderr, and on a terminal a Rich progress
    bar (count and time left) stays under them; in a log or a pipe the lines alone."""
    if not sys.stderr.isatty():
        yield lambda line, done=True: print(line, file=sys.stderr, flush=True)
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(what, total=total)

        def say(line: str, done: bool = True) -> None:
            bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
            if done:
                bar.advance(task)

        yield say

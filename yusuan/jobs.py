"""The background worker that reads and checks uploaded drafts (docs/workflow.md).

Jobs live in the database (``wf_jobs``), not in memory: a server restarted, or a worker killed
in the middle of a file, loses nothing. A worker takes a job with a conditional UPDATE — only
if the row still has the attempt count it read — so two workers (threads of `yusuan serve`, or
`yusuan worker` processes on other machines) never take the same job. While working it renews
a lease; a job whose lease ran out (its worker died) is taken again by the next worker, up to
MAX_ATTEMPTS times, after which the draft is refused as one that stops every worker.

Reading and checking are exactly the CLI's: yusuan.store.ingest.read_input (load_report with
a Context from make_context, a budget derived in shanxi-2024) and yusuan.check.check; a bad
file is refused with the reader's own message.

Nothing of an upload is read in the worker's own process (which may be the server): every file
— budget YAML/XLSX, report.json, PDF, a .zip of a folder — is opened in a process forked for it
under the limits of the CLI's batch workers (yusuan/batch.py: RLIMIT_AS "worker_memory", the
time limit "file_seconds"); what comes back is the result, or one line saying why not.
"""
from __future__ import annotations

import gc
import logging
import os
import socket
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from .batch import Interrupted
from .store.workflow_models import Account, Draft, Job, now

log = logging.getLogger("yusuan.jobs")

MAX_ATTEMPTS = 3


def lease_seconds() -> float:
    # Long enough for the slowest file a reader accepts (a PDF at its page limit takes well under
    # a minute); short enough that a job of a killed worker is taken again soon.
    return float(os.environ.get("YUSUAN_JOB_LEASE_SECONDS", "120"))


def _pause(stage: str) -> None:
    """A test stops the worker here (YUSUAN_TEST_JOB_PAUSE=stage) to kill it mid-job."""
    if os.environ.get("YUSUAN_TEST_JOB_PAUSE") == stage:
        time.sleep(3600)


class Worker:
    def __init__(self, sessions: sessionmaker[Session], name: str | None = None, poll: float = 1.0):
        self.sessions = sessions
        self.name = name or f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident() % 100000}"
        self.poll = poll
        self.lease = lease_seconds()
        self.capped = CappedProcess()  # this worker's own: two worker threads never share one

    # --- taking a job ---------------------------------------------------------------------------

    def claim(self) -> tuple[int, int] | None:
        """(job id, attempt) of a job this worker now holds, or None when there is nothing to do."""
        with self.sessions.begin() as s:
            candidates = s.execute(select(Job.id, Job.attempts, Job.status, Job.kind).where(or_(
                Job.status == "queued", (Job.status == "running") & (Job.lease_until < now())))
                .order_by(Job.id).limit(10)).all()
        for job_id, attempts, status, kind in candidates:
            if attempts >= MAX_ATTEMPTS:
                self._give_up(job_id, attempts)
                continue
            with self.sessions.begin() as s:
                taken = s.execute(update(Job).where(Job.id == job_id, Job.attempts == attempts, Job.status == status)
                                  .values(status="running", worker=self.name, attempts=attempts + 1, progress="读取中",
                                          lease_until=now() + timedelta(seconds=self.lease))
                                  .execution_options(synchronize_session=False))
                if taken.rowcount == 1:
                    if kind == "pages":  # the draft stays checked (under review) while its pages are drawn
                        return job_id, attempts + 1
                    s.execute(update(Draft).where(Draft.id == select(Job.draft_id).where(Job.id == job_id).scalar_subquery())
                              .values(status="checking").execution_options(synchronize_session=False))
                    return job_id, attempts + 1
        return None

    def _give_up(self, job_id: int, attempts: int) -> None:
        with self.sessions.begin() as s:
            job = s.get(Job, job_id)
            if job is None or job.attempts != attempts or job.status in ("done", "failed"):
                return
            job.status, job.progress, job.finished_at = "failed", "失败", now()
            job.error = f"the worker stopped {attempts} times on this file"
            if job.kind == "pages":
                return  # the draft stays checked, only without its pages
            draft = s.get(Draft, job.draft_id)
            draft.status = "refused"
            draft.message = f"读取这个文件时处理程序中断了 {attempts} 次，未能完成检查"

    # --- doing it -------------------------------------------------------------------------------

    def _holds(self, s: Session, job_id: int, attempt: int) -> Job | None:
        """The job, if it is still this worker's (its lease may have run out and been taken)."""
        job = s.get(Job, job_id, populate_existing=True)
        if job is None or job.worker != self.name or job.attempts != attempt or job.status != "running":
            return None
        return job

    def _progress(self, job_id: int, attempt: int, text: str) -> None:
        with self.sessions.begin() as s:
            job = self._holds(s, job_id, attempt)
            if job is not None:
                job.progress = text
                job.lease_until = now() + timedelta(seconds=self.lease)

    def _heartbeat(self, job_id: int, attempt: int, done: threading.Event) -> None:
        while not done.wait(self.lease / 3):
            try:
                self._progress_lease(job_id, attempt)
            except Exception:  # noqa: BLE001 — a missed beat only shortens the lease
                log.warning("heartbeat of job %s failed", job_id, exc_info=True)

    def _progress_lease(self, job_id: int, attempt: int) -> None:
        with self.sessions.begin() as s:
            job = self._holds(s, job_id, attempt)
            if job is not None:
                job.lease_until = now() + timedelta(seconds=self.lease)

    def run_one(self) -> bool:
        """Take one job and do it; False when there was none."""
        claimed = self.claim()
        if claimed is None:
            return False
        job_id, attempt = claimed
        done = threading.Event()
        beat = threading.Thread(target=self._heartbeat, args=(job_id, attempt, done), daemon=True)
        beat.start()
        try:
            self._check(job_id, attempt)
        except Interrupted:
            # The `yusuan worker` process is being stopped (SIGTERM, Ctrl-C) while a file was
            # read: the job goes back to the queue as it was, for the next worker.
            with self.sessions.begin() as s:
                job = self._holds(s, job_id, attempt)
                if job is not None:
                    job.status, job.progress, job.attempts, job.lease_until = "queued", "排队中", attempt - 1, None
            raise
        except Exception as exc:  # noqa: BLE001 — a bug of ours: the draft says so, the worker goes on
            log.exception("job %s failed", job_id)
            with self.sessions.begin() as s:
                job = self._holds(s, job_id, attempt)
                if job is not None:
                    job.status, job.progress, job.finished_at = "failed", "失败", now()
                    job.error = f"{type(exc).__name__}: {exc}"[:2000]
                    if job.kind != "pages":  # without its pages a draft is still checked
                        draft = s.get(Draft, job.draft_id)
                        draft.status, draft.message = "refused", f"内部错误（{type(exc).__name__}），请联系管理员"
        finally:
            done.set()
        return True

    def _check(self, job_id: int, attempt: int) -> None:
        from .store.workflow import WorkflowError, record_checked, unit_of_report

        with self.sessions() as s:
            job = s.get(Job, job_id)
            draft = s.get(Draft, job.draft_id)
            filename, content = draft.filename, s.scalar(select(Draft.content).where(Draft.id == draft.id))
        _pause("reading")
        if job.kind == "unpack":
            self._unpack(job_id, attempt, filename, content)
            return
        if job.kind == "pages":
            self._render_pages(job_id, attempt, job.draft_id)
            return
        outcome = in_capped_process(read_and_check, filename, content, runner=self.capped)
        _pause("checked")
        with self.sessions.begin() as s:
            job = self._holds(s, job_id, attempt)
            if job is None:
                return  # taken by another worker meanwhile: its result counts, not ours
            draft = s.get(Draft, job.draft_id)
            refusal = outcome.get("refused", "")
            if not refusal:
                report, budget = outcome["report"], outcome["budget"]
                try:
                    unit = unit_of_report(s.get(Account, draft.uploaded_by), report, budget)
                    record_checked(s, draft, unit, report, budget, outcome["findings"], outcome["origin"],
                                   boxes=outcome.get("boxes"))
                    if budget is not None and draft_pages():
                        # The budget's own PDF and the findings' boxes on it: a job of its own,
                        # queued behind the checks already waiting (rendering and reading it back
                        # costs ~20 times the check), so a folder's drafts are all checked first.
                        s.add(Job(kind="pages", draft_id=draft.id, status="queued", worker="", attempts=0,
                                  progress="排队中", error=""))
                except WorkflowError as exc:
                    refusal = str(exc)
            if refusal:
                draft.status, draft.message = "refused", refusal[:5000]
            job.status, job.progress, job.finished_at = "done", "完成", now()

    def _render_pages(self, job_id: int, attempt: int, draft_id: int) -> None:
        """A budget draft's PDF (our renderer's) and each finding's boxes on its pages."""
        with self.sessions() as s:
            draft = s.get(Draft, draft_id)
            report_json = s.scalar(select(Draft.report_json).where(Draft.id == draft_id)) or ""
            findings = [{"rule": f.rule, "location": f.location} for f in draft.findings]
        from .draft_pages import in_fresh_process

        with tempfile.TemporaryDirectory(prefix="yusuan-pages-") as folder:
            outcome = in_fresh_process(report_json, findings, Path(folder))
        with self.sessions.begin() as s:
            job = self._holds(s, job_id, attempt)
            if job is None:
                return
            draft = s.get(Draft, draft_id)
            if "refused" in outcome:
                job.error = outcome["refused"][:2000]  # the draft stays checked, only without pages
            else:
                draft.pdf = outcome["pdf"]
                for finding, boxes in zip(draft.findings, outcome["boxes"]):
                    finding.boxes = boxes or None
            job.status, job.progress, job.finished_at = "done", "完成", now()

    def _unpack(self, job_id: int, attempt: int, filename: str, content: bytes) -> None:
        """A .zip of a folder: a draft (and a job) per file in it, in the archive's upload."""
        from .store.workflow import upload_limits, submit_draft

        outcome = in_capped_process(unpack_archive, filename, content, upload_limits(), runner=self.capped)
        with self.sessions.begin() as s:
            job = self._holds(s, job_id, attempt)
            if job is None:
                return
            archive = s.get(Draft, job.draft_id)
            if "refused" in outcome:
                archive.status, archive.message = "refused", outcome["refused"][:5000]
            else:
                account = s.get(Account, archive.uploaded_by)
                for name, data in outcome["files"]:  # named after the archive: x.zip/单位/budget.xlsx
                    submit_draft(s, account, f"{filename}/{name}", data, upload_id=archive.upload_id)
                lines = [f"展开为 {len(outcome['files'])} 个文件"] + outcome["skipped"]
                archive.status, archive.message = "unpacked", "\n".join(lines)[:5000]
            job.status, job.progress, job.finished_at = "done", "完成", now()

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set, looking for jobs every ``poll`` seconds when idle."""
        try:
            while not stop.is_set():
                try:
                    if self.run_one():
                        continue
                except Interrupted:
                    raise
                except Exception:  # noqa: BLE001 — the database away for a moment: try again later
                    log.warning("worker %s: could not take a job", self.name, exc_info=True)
                stop.wait(self.poll)
        finally:
            self.capped.close()


def start_threads(sessions: sessionmaker[Session], count: int) -> tuple[threading.Event, list[threading.Thread]]:
    stop = threading.Event()
    threads = []
    for i in range(count):
        worker = Worker(sessions, name=f"{socket.gethostname()}:{os.getpid()}:t{i}")
        thread = threading.Thread(target=worker.run, args=(stop,), name=f"yusuan-worker-{i}", daemon=True)
        thread.start()
        threads.append(thread)
    return stop, threads


# --- the capped process ---------------------------------------------------------------------------


class CappedProcess:
    """A forked process under the batch workers' limits (yusuan/batch.py: RLIMIT_AS
    "worker_memory" set in it, "file_seconds" a file) that reads file after file for one worker,
    as a batch's worker process does: forking one per file would cost each draft the fork and
    the copying of the pages its first read touches (3–4× the read itself). A batch worker
    (batch._Worker), each file given to it and waited for by batch.run_call — batch's own
    protocol, the one run_all speaks, not a copy of it here.

    It is forked again when it died, overran its time, failed a file (a fresh one for the next),
    when the work function is another (a test's stand-in), or when a YUSUAN_ variable changed
    (the readers' limits are read in the process, from the environment it was forked with)."""

    def __init__(self):
        self.worker = None
        self.key = None

    def _fresh(self, work) -> None:
        from .batch import _Worker, memory_limit

        self.close()
        _warm()
        # The parent's objects frozen while forking: the child's garbage collections then do not
        # walk (and so copy, page by page) the heap it shares with the parent.
        gc.freeze()
        try:
            self.worker = _Worker(work, memory_limit())
        finally:
            gc.unfreeze()

    def run(self, work, call: tuple, filename: str) -> dict:
        from .batch import run_call
        from .limits import limit

        key = (work, tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("YUSUAN_"))))
        if self.worker is None or key != self.key or not self.worker.process.is_alive():
            self._fresh(work)
            self.key = key
        kind, value = run_call(self.worker, call, limit("file_seconds"))  # batch's own way, as run_all's
        if kind == "done":
            return value
        self.close()  # a file that failed in it, or ended it: the next gets a fresh process
        return {"refused": f"{filename}: {value}"}

    def close(self) -> None:
        if self.worker is not None and not self.worker.ended:  # an ended one is reaped and closed already
            self.worker.finish()
        self.worker = None


def in_capped_process(work, filename: str, content: bytes, *args, runner: CappedProcess | None = None) -> dict:
    """``work(path, filename, *args)`` on the upload's bytes in a temporary file, run in the
    capped process (a fresh one unless ``runner`` is given): a dict of results, or
    {"refused": one line} — the reader's own message, or the limit reached."""
    own = runner is None
    runner = runner or CappedProcess()
    try:
        with tempfile.TemporaryDirectory(prefix="yusuan-draft-") as folder:
            # The readers want a path; the name is ours (the upload's name is only shown), so a
            # name like ../../x cannot lead anywhere.
            path = Path(folder) / f"draft{Path(filename).suffix.lower()}"
            path.write_bytes(content)
            outcome = runner.run(work, (str(path), filename, *args), filename)
        if "refused" in outcome:
            outcome["refused"] = outcome["refused"].replace(str(path), filename)
        return outcome
    finally:
        if own:
            runner.close()


_WARM: list[bool] = []


def _warm() -> None:
    """Import what reading needs before the first fork: a forked child must not import while
    another thread of the parent held the import lock, and each child starts from the parent's
    loaded modules and templates instead of loading them again."""
    if _WARM:
        return
    from .check import check  # noqa: F401
    from .commands import make_context
    from .commands.build import DEFAULT_TEMPLATE
    from .derive import derive  # noqa: F401
    from .inputs import load_report  # noqa: F401
    from .read import boxes  # noqa: F401
    from .store.ingest import read_input  # noqa: F401

    make_context(DEFAULT_TEMPLATE, ())
    _WARM.append(True)


def draft_pages() -> bool:
    """Whether a budget draft gets its own PDF pages with the findings boxed (YUSUAN_DRAFT_PAGES,
    default on; bench_workflow times the checking alone with it off)."""
    return os.environ.get("YUSUAN_DRAFT_PAGES", "1") != "0"


def read_and_check(path: str, filename: str) -> dict:
    """In the capped process: the file read as the CLI reads it and checked. Never raises for a
    bad file (run_all's rule): a refusal comes back as {"refused": the reader's message}."""
    from .check import check
    from .errors import InputError, InputErrors
    from .inputs import is_published
    from .store.ingest import read_input
    from .templates import load

    try:
        report, budget, _notes = read_input(Path(path))
        origin = "budget" if budget is not None else ("published" if is_published(Path(path)) else "report")
        findings = check(report, None, load(report.template, report.year))
    except InputErrors as exc:
        return {"refused": "\n".join(exc.lines())}
    except InputError as exc:
        return {"refused": str(exc)}
    boxes = None
    if Path(path).suffix.lower() == ".pdf":
        # read from the PDF, the report's places carry their boxes on its pages
        try:
            from .draft_pages import boxes_by_finding

            boxes = boxes_by_finding(report, findings, path)
        except Exception:  # noqa: BLE001 — the findings stand without their boxes
            boxes = None
    return {"report": report, "budget": budget, "findings": findings, "origin": origin, "boxes": boxes}


def unpack_archive(path: str, filename: str, limits: dict) -> dict:
    """In the capped process: the files of a .zip of a folder (yusuan/draft_archive.py)."""
    from .draft_archive import unpack
    from .errors import InputError

    try:
        found = unpack(Path(path), filename, **limits)
    except InputError as exc:
        return {"refused": str(exc)}
    return {"files": found.files, "skipped": found.skipped}

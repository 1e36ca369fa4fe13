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
"""
from __future__ import annotations

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

    # --- taking a job ---------------------------------------------------------------------------

    def claim(self) -> tuple[int, int] | None:
        """(job id, attempt) of a job this worker now holds, or None when there is nothing to do."""
        with self.sessions.begin() as s:
            candidates = s.execute(select(Job.id, Job.attempts, Job.status).where(or_(
                Job.status == "queued", (Job.status == "running") & (Job.lease_until < now())))
                .order_by(Job.id).limit(10)).all()
        for job_id, attempts, status in candidates:
            if attempts >= MAX_ATTEMPTS:
                self._give_up(job_id, attempts)
                continue
            with self.sessions.begin() as s:
                taken = s.execute(update(Job).where(Job.id == job_id, Job.attempts == attempts, Job.status == status)
                                  .values(status="running", worker=self.name, attempts=attempts + 1, progress="读取中",
                                          lease_until=now() + timedelta(seconds=self.lease))
                                  .execution_options(synchronize_session=False))
                if taken.rowcount == 1:
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
        except Exception as exc:  # noqa: BLE001 — a bug of ours: the draft says so, the worker goes on
            log.exception("job %s failed", job_id)
            with self.sessions.begin() as s:
                job = self._holds(s, job_id, attempt)
                if job is not None:
                    job.status, job.progress, job.finished_at = "failed", "失败", now()
                    job.error = f"{type(exc).__name__}: {exc}"[:2000]
                    draft = s.get(Draft, job.draft_id)
                    draft.status, draft.message = "refused", f"内部错误（{type(exc).__name__}），请联系管理员"
        finally:
            done.set()
        return True

    def _check(self, job_id: int, attempt: int) -> None:
        from .check import check
        from .errors import InputError, InputErrors
        from .inputs import is_published
        from .store.ingest import read_input
        from .store.workflow import WorkflowError, record_checked, unit_of_report
        from .templates import load

        with self.sessions() as s:
            job = s.get(Job, job_id)
            draft = s.get(Draft, job.draft_id)
            filename, content = draft.filename, s.scalar(select(Draft.content).where(Draft.id == draft.id))
        _pause("reading")
        suffix = Path(filename).suffix.lower()
        refusal, result = "", None
        with tempfile.TemporaryDirectory(prefix="yusuan-draft-") as folder:
            # The readers want a path; the name is ours (the upload's name is only shown), so a
            # name like ../../x cannot lead anywhere.
            path = Path(folder) / f"draft{suffix}"
            path.write_bytes(content)
            try:
                report, budget, _notes = read_input(path)
                origin = "budget" if budget is not None else ("published" if is_published(path) else "report")
                self._progress(job_id, attempt, "检查中")
                findings = check(report, None, load(report.template, report.year))
                result = (report, budget, findings, origin)
            except InputErrors as exc:
                refusal = "\n".join(exc.lines())
            except InputError as exc:
                refusal = str(exc)
            refusal = refusal.replace(str(path), filename)
        _pause("checked")
        with self.sessions.begin() as s:
            job = self._holds(s, job_id, attempt)
            if job is None:
                return  # taken by another worker meanwhile: its result counts, not ours
            draft = s.get(Draft, job.draft_id)
            if result is not None:
                report, budget, findings, origin = result
                try:
                    unit = unit_of_report(s.get(Account, draft.uploaded_by), report, budget)
                    record_checked(s, draft, unit, report, budget, findings, origin)
                except WorkflowError as exc:
                    refusal = str(exc)
            if refusal:
                draft.status, draft.message = "refused", refusal[:5000]
            job.status, job.progress, job.finished_at = "done", "完成", now()

    def run(self, stop: threading.Event) -> None:
        """Work until ``stop`` is set, looking for jobs every ``poll`` seconds when idle."""
        while not stop.is_set():
            try:
                if self.run_one():
                    continue
            except Exception:  # noqa: BLE001 — the database away for a moment: try again later
                log.warning("worker %s: could not take a job", self.name, exc_info=True)
            stop.wait(self.poll)


def start_threads(sessions: sessionmaker[Session], count: int) -> tuple[threading.Event, list[threading.Thread]]:
    stop = threading.Event()
    threads = []
    for i in range(count):
        worker = Worker(sessions, name=f"{socket.gethostname()}:{os.getpid()}:t{i}")
        thread = threading.Thread(target=worker.run, args=(stop,), name=f"yusuan-worker-{i}", daemon=True)
        thread.start()
        threads.append(thread)
    return stop, threads

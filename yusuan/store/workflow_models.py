"""The finance bureau's workflow in the store (issue 15; docs/workflow.md): accounts and roles,
the units a bureau manages, drafts with their findings, the background jobs that read and check
them, the published versions and their files, and the audit log.

These tables sit beside the public ones (yusuan/store/models.py) on the same ``Base``: the
public ``units``/``reports`` rows stay what the public pages read, and publishing a version
writes them through ``yusuan.store.ingest.store_report`` exactly as `yusuan publish` does.

Why a table of managed units apart from ``units``: the public home page lists every row of
``units``; a unit the bureau has registered but not yet published must not appear there.

What never changes once written: a ``Version``'s content columns and its ``VersionFile`` rows.
The migration (0002_workflow) adds database triggers that refuse such an UPDATE or DELETE, so
not even a bug of ours (or an admin with a SQL prompt, short of dropping the trigger) can alter
a published disclosure; a correction is a new version.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import (JSON, Boolean, DateTime, ForeignKey, Index, Integer, LargeBinary, String, Text,
                        UniqueConstraint)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .models import Base

ROLES = ("admin", "reviewer", "publisher")


def now() -> datetime:
    return datetime.now(timezone.utc)


class Secret(Base):
    """The key that signs session and CSRF cookies, made once per database on first use, so every
    server process and restart of one portal agrees on it without a configuration file."""

    __tablename__ = "wf_secrets"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[str] = mapped_column(String(200))


class ManagedUnit(Base):
    """A unit the bureau collects drafts from: registered by an admin (code, name, region)."""

    __tablename__ = "wf_units"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(100), default="")
    name: Mapped[str] = mapped_column(String(500), unique=True)
    region: Mapped[str] = mapped_column(String(500), default="")
    department: Mapped[str] = mapped_column(String(500), default="")

    __table_args__ = (Index("ix_wf_units_region", "region"),)


class Account(Base):
    """A person who logs in. ``password_hash`` is argon2id (PHC string); ``epoch`` is part of
    every session cookie, so raising it (logout, password change, disabling) ends all sessions."""

    __tablename__ = "wf_accounts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(300))
    role: Mapped[str] = mapped_column(String(20))  # admin | reviewer | publisher
    region: Mapped[str] = mapped_column(String(500), default="")  # a reviewer's region
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    epoch: Mapped[int] = mapped_column(Integer, default=0)
    # Set by an admin's reset: the password is a temporary one, good until temporary_until, and
    # every page asks for a new one before anything else.
    must_change: Mapped[bool] = mapped_column(Boolean, default=False)
    temporary_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    units: Mapped[list[ManagedUnit]] = relationship(secondary="wf_account_units", order_by="ManagedUnit.name")


class AccountUnit(Base):
    """A publisher's named units."""

    __tablename__ = "wf_account_units"
    account_id: Mapped[int] = mapped_column(ForeignKey("wf_accounts.id", ondelete="CASCADE"), primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("wf_units.id", ondelete="CASCADE"), primary_key=True)


class LoginFailure(Base):
    """A failed login, by account name and address: the throttle counts the recent ones."""

    __tablename__ = "wf_login_failures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)

    __table_args__ = (Index("ix_wf_login_failures_name", "name", "at"), Index("ix_wf_login_failures_address", "address", "at"))


class Upload(Base):
    """One upload: a file, several, a folder or a .zip of one. Its drafts say how far the
    checking of the whole upload is (done / total)."""

    __tablename__ = "wf_uploads"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("wf_accounts.id"))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    label: Mapped[str] = mapped_column(String(300), default="")


class Draft(Base):
    """One uploaded file: its bytes, and once read and checked, its report and findings.

    status: queued → checking → checked (awaiting review) | refused (could not be read, or not
    one of the uploader's units); a reviewer then sends it back (returned) or publishes it; a
    newer draft of the same unit and year, once checked, makes a checked one superseded.
    A .zip of a folder is a draft too, until the worker unpacks it into a draft per file
    (unpacked)."""

    __tablename__ = "wf_drafts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("wf_units.id"), nullable=True)  # known once read
    year: Mapped[int | None] = mapped_column(Integer, nullable=True)
    uploaded_by: Mapped[int] = mapped_column(ForeignKey("wf_accounts.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    filename: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    status: Mapped[str] = mapped_column(String(20), default="queued")
    message: Mapped[str] = mapped_column(Text, default="")  # why it was refused
    origin: Mapped[str] = mapped_column(String(20), default="")  # budget | report | published
    report_json: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    budget_json: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    previous_id: Mapped[int | None] = mapped_column(ForeignKey("wf_drafts.id"), nullable=True)
    comment: Mapped[str] = mapped_column(Text, default="")  # the reviewer's, when sent back
    reviewed_by: Mapped[str] = mapped_column(String(100), default="")
    upload_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # its Upload (no FK: see 0004)
    # A budget's own PDF, rendered by the worker, so that its findings have a page to be boxed on
    # (an uploaded PDF is its own content).
    pdf: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True, deferred=True)

    unit: Mapped[ManagedUnit | None] = relationship()
    uploader: Mapped[Account] = relationship()
    findings: Mapped[list["DraftFinding"]] = relationship(cascade="all, delete-orphan", order_by="DraftFinding.id")

    __table_args__ = (Index("ix_wf_drafts_unit", "unit_id", "year"), Index("ix_wf_drafts_uploader", "uploaded_by"),
                      Index("ix_wf_drafts_upload", "upload_id"))


class DraftFinding(Base):
    """A finding of `yusuan check` on a draft, and the reviewer's explanation of it, if any.
    ``fingerprint`` (rule and place in the report, not the amounts) matches the same finding
    in the unit's next draft: it is what "gone" and "new" are computed on."""

    __tablename__ = "wf_draft_findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    draft_id: Mapped[int] = mapped_column(ForeignKey("wf_drafts.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(200))
    severity: Mapped[str] = mapped_column(String(20))
    location: Mapped[dict] = mapped_column(JSON, default=dict)
    location_text: Mapped[str] = mapped_column(Text, default="")
    message: Mapped[str] = mapped_column(Text, default="")
    expected: Mapped[str] = mapped_column(Text, default="")
    found: Mapped[str] = mapped_column(Text, default="")
    arithmetic: Mapped[str] = mapped_column(Text, default="")
    place: Mapped[str] = mapped_column(String(200), default="")
    fingerprint: Mapped[str] = mapped_column(String(64))
    explanation: Mapped[str] = mapped_column(Text, default="")
    explained_by: Mapped[str] = mapped_column(String(100), default="")
    explained_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    # Where it is drawn on the page: [{page, x0, top, x1, bottom, width, height}] in PDF points
    # (top-left origin), the page's size beside them so the page shows them at any scale.
    boxes: Mapped[list | None] = mapped_column(JSON, nullable=True)

    __table_args__ = (Index("ix_wf_draft_findings_draft", "draft_id"),)


class Job(Base):
    """Work for the background workers, kept in the database so that a restart loses none.

    A worker takes a job by a conditional UPDATE (status and lease as it read them): of two
    workers only one changes the row. While it works it pushes ``lease_until`` forward; a job
    whose worker was killed keeps status ``running`` with a lease in the past, and is taken
    again by the next worker that looks. ``attempts`` stops a file that kills every worker
    from being taken for ever."""

    __tablename__ = "wf_jobs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default="check")
    draft_id: Mapped[int] = mapped_column(ForeignKey("wf_drafts.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(20), default="queued")  # queued | running | done | failed
    worker: Mapped[str] = mapped_column(String(100), default="")
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    progress: Mapped[str] = mapped_column(String(200), default="排队中")
    error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_wf_jobs_status", "status", "id"), Index("ix_wf_jobs_draft", "draft_id"))


class Version(Base):
    """A published version of a unit's report of a year. Its content columns never change
    (triggers refuse it); ``status`` (current | superseded | withdrawn) and the withdrawal's
    who/when/why are the only columns written after the insert."""

    __tablename__ = "wf_versions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("wf_units.id"))
    public_key: Mapped[str] = mapped_column(String(200))  # the public unit's key (its URL)
    year: Mapped[int] = mapped_column(Integer)
    number: Mapped[int] = mapped_column(Integer)
    draft_id: Mapped[int] = mapped_column(ForeignKey("wf_drafts.id"))
    published_by: Mapped[str] = mapped_column(String(100))
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    report_json: Mapped[str] = mapped_column(Text, deferred=True)
    budget_json: Mapped[str | None] = mapped_column(Text, nullable=True, deferred=True)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 of report_json
    origin: Mapped[str] = mapped_column(String(20), default="")
    findings_json: Mapped[str] = mapped_column(Text, default="[]")  # the findings and their explanations, as published
    unexplained: Mapped[int] = mapped_column(Integer, default=0)  # errors/warnings published without an explanation
    status: Mapped[str] = mapped_column(String(20), default="current")
    withdrawn_by: Mapped[str] = mapped_column(String(100), default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    withdrawn_reason: Mapped[str] = mapped_column(Text, default="")

    unit: Mapped[ManagedUnit] = relationship()
    files: Mapped[list["VersionFile"]] = relationship(order_by="VersionFile.id")

    __table_args__ = (UniqueConstraint("unit_id", "year", "number", name="uq_wf_versions_number"),
                      Index("ix_wf_versions_public", "public_key", "year"))


class VersionFile(Base):
    """A file of a published version, as uploaded: its bytes and their sha256. Insert only."""

    __tablename__ = "wf_version_files"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("wf_versions.id"))
    name: Mapped[str] = mapped_column(String(300))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)


class AuditEntry(Base):
    """Who did what, when, from where, and whether it worked. Insert only."""

    __tablename__ = "wf_audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=now)
    account: Mapped[str] = mapped_column(String(100), default="")
    action: Mapped[str] = mapped_column(String(50))
    target: Mapped[str] = mapped_column(String(300), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(100), default="")
    outcome: Mapped[str] = mapped_column(String(20), default="ok")  # ok | refused | failed

    __table_args__ = (Index("ix_wf_audit_at", "at"),)

"""The finance bureau's workflow, below the web pages: accounts, drafts, review, publishing,
withdrawing, the audit log (docs/workflow.md). The pages (yusuan/web/admin*.py, review*.py),
the CLI (`yusuan admin`) and the worker (yusuan/jobs.py) all go through these functions, so the
rules — who may do what, when a draft may be published, what is written in one transaction —
are in one place.

Every function takes an open Session and leaves committing to the caller (``sessions.begin()``),
so that an action and its audit line are committed together or not at all.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .workflow_models import (ROLES, Account, AuditEntry, Draft, DraftFinding, Job, LoginFailure, ManagedUnit, Secret,
                              Upload, Version, VersionFile, now)

BLOCKING = ("error", "warning")  # severities a reviewer must explain (or knowingly publish over)


class WorkflowError(ValueError):
    """An action refused for a reason the person can act on; the message is for the page."""


# --- passwords ----------------------------------------------------------------------------------


def _hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()  # argon2id, the library's RFC 9106 low-memory profile (64 MiB, t=3)


def hash_password(password: str) -> str:
    if len(password) < 10:
        raise WorkflowError("密码至少 10 个字符")
    return _hasher().hash(password)


# A hash of nothing anyone knows: verified against when the account does not exist, so that a
# wrong name takes as long as a wrong password (no account enumeration by timing).
_DUMMY: list[str] = []


def verify_password(account: Account | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError

    hasher = _hasher()
    if account is None or not account.active:
        if not _DUMMY:
            _DUMMY.append(hasher.hash(secrets.token_hex(16)))
        try:
            hasher.verify(_DUMMY[0], password)
        except (VerificationError, InvalidHashError):
            pass
        return False
    try:
        return hasher.verify(account.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def create_account(session: Session, name: str, password: str, role: str, *, region: str = "",
                   units: list[ManagedUnit] = ()) -> Account:
    name = name.strip()
    if role not in ROLES:
        raise WorkflowError(f"角色应为 {', '.join(ROLES)} 之一，而不是 {role}")
    if not re.fullmatch(r"[\w.@-]{1,100}", name):
        raise WorkflowError("账号名只能由字母、数字、汉字和 . @ - _ 组成（至多 100 个）")
    if session.scalars(select(Account.id).where(Account.name == name)).first() is not None:
        raise WorkflowError(f"账号 {name} 已存在")
    if role == "reviewer" and not region:
        raise WorkflowError("审核人须指定所管地区")
    account = Account(name=name, password_hash=hash_password(password), role=role, region=region if role == "reviewer" else "",
                      active=True, epoch=0)
    account.units = list(units) if role == "publisher" else []
    session.add(account)
    session.flush()
    return account


TEMPORARY_FOR = timedelta(hours=72)  # a reset password's life: long enough to reach its owner by a weekend
RESETS_PER_WINDOW = 10  # password resets by one admin within WINDOW (the login throttle's)


def _aware(moment: datetime | None) -> datetime | None:
    # SQLite gives back the UTC moments it was given without their zone
    return moment.replace(tzinfo=timezone.utc) if moment is not None and moment.tzinfo is None else moment


def reset_password(session: Session, admin: Account, account: Account) -> str:
    """An admin's reset of someone's password: a random temporary one (returned, shown once,
    stored only as its hash), good for TEMPORARY_FOR and only to choose a new one; every
    session of the account ends."""
    if admin.role != "admin":
        raise WorkflowError("只有管理员可以重设他人的密码")
    if account.id == admin.id:
        raise WorkflowError("自己的密码请在“修改密码”中修改（需要当前密码）")
    if not account.active:
        raise WorkflowError(f"账号 {account.name} 已停用")
    temporary = secrets.token_urlsafe(12)  # 16 characters, 96 bits
    account.password_hash = hash_password(temporary)
    account.must_change, account.temporary_until = True, now() + TEMPORARY_FOR
    account.epoch += 1
    return temporary


def temporary_expired(account: Account) -> bool:
    return bool(account.must_change and account.temporary_until is not None
                and _aware(account.temporary_until) < now())


def change_password(session: Session, account: Account, current: str, new: str, repeated: str) -> bool:
    """The account's own change (current password required). False when the current password is
    wrong (the caller counts it as a failed login: the change is throttled like a login); a
    WorkflowError for an unsuitable new one. Every session of the account ends, the caller
    gives this browser a new one."""
    if not verify_password(account, current):
        return False
    if new != repeated:
        raise WorkflowError("两次输入的新密码不一致")
    if new == current:
        raise WorkflowError("新密码不能与当前密码相同")
    account.password_hash = hash_password(new)
    account.must_change, account.temporary_until = False, None
    account.epoch += 1
    return True


# --- the signing key ----------------------------------------------------------------------------


def signing_key(session: Session) -> str:
    """The database's signing key, made on first use. Two processes starting at once may both
    try to insert it; the loser reads the winner's."""
    row = session.get(Secret, "signing")
    if row is not None:
        return row.value
    try:
        with session.begin_nested():
            session.add(Secret(name="signing", value=secrets.token_urlsafe(48)))
    except IntegrityError:
        pass
    return session.get(Secret, "signing", populate_existing=True).value


# --- login throttling ---------------------------------------------------------------------------

WINDOW = timedelta(minutes=15)
PER_ACCOUNT = 5  # failures of one account name within WINDOW: a password guessed slowly, not at all
PER_ADDRESS = 20  # failures from one address within WINDOW: one machine trying many names


def throttled(session: Session, name: str, address: str) -> bool:
    since = now() - WINDOW
    by_name = session.scalar(select(func.count()).where(LoginFailure.name == name, LoginFailure.at > since))
    by_address = session.scalar(select(func.count()).where(LoginFailure.address == address, LoginFailure.at > since))
    return by_name >= PER_ACCOUNT or by_address >= PER_ADDRESS


def login_failed(session: Session, name: str, address: str) -> None:
    session.add(LoginFailure(name=name[:100], address=address[:100]))


def login_succeeded(session: Session, name: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.name == name))


# --- audit --------------------------------------------------------------------------------------


def audit(session: Session, account: str, action: str, target: str = "", detail: str = "", address: str = "",
          outcome: str = "ok") -> None:
    session.add(AuditEntry(account=account[:100], action=action[:50], target=target[:300], detail=detail,
                           address=address[:100], outcome=outcome))


# --- who may see or do what ---------------------------------------------------------------------


def visible_units(session: Session, account: Account) -> list[ManagedUnit]:
    """A publisher's named units, a reviewer's region's units, every unit for an admin."""
    if account.role == "publisher":
        return list(account.units)
    query = select(ManagedUnit).order_by(ManagedUnit.name)
    if account.role == "reviewer":
        query = query.where(ManagedUnit.region == account.region)
    return list(session.scalars(query))


def may_see(account: Account, draft: Draft) -> bool:
    if account.role == "admin":
        return True
    if account.role == "publisher":
        return draft.uploaded_by == account.id or (draft.unit is not None and draft.unit in account.units)
    return draft.unit is not None and draft.unit.region == account.region


def may_review(account: Account, unit: ManagedUnit | None) -> bool:
    return account.role == "reviewer" and unit is not None and unit.region == account.region


# --- drafts -------------------------------------------------------------------------------------

ACCEPTED = (".yaml", ".yml", ".xlsx", ".json", ".pdf", ".txt")
ARCHIVE = ".zip"  # a folder packed: unpacked by the worker into a draft per file
MAX_FILES = 200  # files in one upload (a folder of a county's units), and in one .zip


def max_upload_bytes() -> int:
    # The largest published PDF of a department we have seen is a few MB; a budget workbook less.
    return int(os.environ.get("YUSUAN_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))


def max_upload_total_bytes() -> int:
    """All files of one upload together (a folder), and what a .zip may unpack to."""
    return int(os.environ.get("YUSUAN_MAX_UPLOAD_TOTAL_BYTES", str(200 * 1024 * 1024)))


def upload_limits() -> dict:
    """The limits of a .zip's contents (yusuan/draft_archive.py unpack), those of an upload."""
    return dict(accepted=ACCEPTED, max_files=MAX_FILES, max_file_bytes=max_upload_bytes(),
                max_total_bytes=max_upload_total_bytes())


def clean_name(filename: str) -> str:
    """The uploaded name as shown: a file of a folder keeps its path inside the folder (a folder
    of units often has many budget.xlsx), without control characters, empty parts, . or .. —
    the name is only ever shown and offered for download, never used as a path."""
    text = re.sub(r"[\x00-\x1f]", "_", filename or "")
    parts = [p for p in re.split(r"[/\\]", text) if p not in ("", ".", "..")]
    return "/".join(parts)[-200:] or "draft"


def suffix_of(name: str) -> str:
    base = name.rsplit("/", 1)[-1]
    return ("." + base.rsplit(".", 1)[-1].lower()) if "." in base else ""


def submit_draft(session: Session, account: Account, filename: str, content: bytes, *,
                 upload_id: int | None = None) -> Draft:
    """A draft and its job, queued: read and checked later by a worker (a .zip: unpacked)."""
    if account.role != "publisher":
        raise WorkflowError("只有填报人可以上传草稿")
    name = clean_name(filename)
    suffix = suffix_of(name)
    if suffix not in ACCEPTED + (ARCHIVE,):
        raise WorkflowError(f"{name}：不接受这种文件（可上传 {' '.join(ACCEPTED)}，或文件夹的 {ARCHIVE}）")
    draft = Draft(uploaded_by=account.id, filename=name, size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                  content=content, status="queued", message="", origin="", comment="", reviewed_by="",
                  upload_id=upload_id)
    session.add(draft)
    session.flush()
    session.add(Job(kind="unpack" if suffix == ARCHIVE else "check", draft_id=draft.id, status="queued", worker="",
                    attempts=0, progress="排队中", error=""))
    return draft


def submit_upload(session: Session, account: Account, files: list[tuple[str, bytes]]) -> tuple[Upload, list[Draft], list[str]]:
    """One upload — files picked one by one, a folder, or both — as an Upload and a draft per
    file. A file picked by itself of a kind we do not read refuses the upload (it was meant);
    inside a folder such files (and hidden ones: .DS_Store, desktop.ini's kin) are left out and
    listed, so that one stray file does not stop a county's folder."""
    if account.role != "publisher":
        raise WorkflowError("只有填报人可以上传草稿")
    kept, skipped = [], []
    for filename, content in files:
        name = clean_name(filename)
        in_folder = "/" in name
        hidden = any(part.startswith(".") for part in name.split("/"))
        if in_folder and (hidden or suffix_of(name) not in ACCEPTED + (ARCHIVE,)):
            if not hidden:
                skipped.append(name)
            continue
        kept.append((name, content))
    if not kept:
        raise WorkflowError("文件夹里没有可读的文件（预算 .yaml/.xlsx，报告 .json，公开的 .pdf/.txt）"
                            if files else "请选择要上传的文件")
    folders = sorted({name.split("/", 1)[0] for name, _ in kept if "/" in name})
    label = (f"文件夹 {'、'.join(folders)}" if folders else kept[0][0] if len(kept) == 1 else "")
    upload = Upload(account_id=account.id, label=(label or f"{len(kept)} 个文件")[:300])
    session.add(upload)
    session.flush()
    drafts = [submit_draft(session, account, name, content, upload_id=upload.id) for name, content in kept]
    return upload, drafts, skipped


@dataclass
class Progress:
    """How far an upload's checking is: drafts done of all (a .zip counts once unpacked)."""

    upload: Upload
    done: int
    total: int
    refused: int
    unpacking: int  # .zip files not yet unpacked: their drafts are not counted yet

    @property
    def finished(self) -> bool:
        return self.unpacking == 0 and self.done == self.total


def upload_progress(session: Session, uploads: list[Upload]) -> dict[int, Progress]:
    ids = [u.id for u in uploads]
    rows = session.execute(select(Draft.upload_id, Draft.status, Draft.filename).where(Draft.upload_id.in_(ids))).all() \
        if ids else []
    found = {u.id: Progress(u, 0, 0, 0, 0) for u in uploads}
    for upload_id, status, filename in rows:
        p = found[upload_id]
        if suffix_of(filename) == ARCHIVE:
            p.unpacking += status in ("queued", "checking")
            continue
        p.total += 1
        p.done += status not in ("queued", "checking")
        p.refused += status == "refused"
    return found


def fingerprint(rule: str, location_text: str) -> str:
    return hashlib.sha256(f"{rule}\x1f{location_text}".encode("utf-8")).hexdigest()


def unit_of_report(account: Account, report, budget) -> ManagedUnit:
    """Which of the uploader's units the file is of: by code when the budget gives one, else by
    the report's unit name. Anything else is refused — a publisher files only for their units."""
    code = budget.unit.code if budget is not None else ""
    for unit in account.units:
        if (code and unit.code and code == unit.code) or unit.name == report.unit_name:
            return unit
    mine = "、".join(u.name for u in account.units) or "（没有）"
    raise WorkflowError(f"文件中的单位是“{report.unit_name}”，不是你负责的单位：{mine}")


# A draft read and filed under its unit and year. "checked" is the one open state (awaiting
# review); "superseded" is a checked draft replaced by a newer one of the same unit and year.
READ = ("checked", "returned", "published", "superseded")


class Superseded(WorkflowError):
    """A reviewer's action on a draft a newer one has replaced: refused, naming the latest."""

    def __init__(self, draft: Draft, latest: Draft | None):
        self.latest_id = latest.id if latest is not None else None
        where = f"（#{latest.id}）" if latest is not None else ""
        super().__init__(f"草稿 #{draft.id} 已被新稿取代，不能再审核或发布；请审核该单位最新的草稿{where}")


def supersede(session: Session, draft: Draft) -> list[Draft]:
    """A draft just read and filed under its unit and year: the unit's earlier drafts of the
    year still awaiting review are superseded by it (a returned or published one keeps its
    state). Should a newer draft of the unit have been read first (two workers), this one is
    stale from the start and is superseded by the newest. Each supersession is audited, by the
    uploader of the newer draft. The drafts superseded."""
    newest = session.scalars(select(Draft).where(Draft.unit_id == draft.unit_id, Draft.year == draft.year,
                                                 Draft.id > draft.id, Draft.status.in_(READ))
                             .order_by(Draft.id.desc())).first()
    if newest is not None:
        stale, by = [draft], newest
    else:
        stale = list(session.scalars(select(Draft).where(Draft.unit_id == draft.unit_id, Draft.year == draft.year,
                                                         Draft.id < draft.id, Draft.status == "checked")
                                     .order_by(Draft.id)))
        by = draft
    for old in stale:
        old.status, old.message = "superseded", f"已被新稿 #{by.id}（{by.filename}）取代"[:5000]
        audit(session, by.uploader.name, "supersede", f"草稿 #{old.id} {old.unit.name if old.unit else ''} {old.year}",
              f"已被新稿 #{by.id} {by.filename} sha256 {by.sha256} 取代；旧稿不再待审核")
    return stale


def record_checked(session: Session, draft: Draft, unit: ManagedUnit, report, budget, findings, origin: str, *,
                   boxes: list | None = None) -> None:
    """The draft's report and findings, with explanations carried over from the unit's previous
    draft of the year where the same finding (same rule, same place) is still there; then the
    unit's earlier drafts of the year awaiting review are superseded by it (``supersede``).
    ``boxes``: per finding (same order), where it is drawn on its page, when known."""
    previous = session.scalars(select(Draft).where(Draft.unit_id == unit.id, Draft.year == report.year,
                                                   Draft.id < draft.id, Draft.status.in_(READ))
                               .order_by(Draft.id.desc())).first()
    explained = {}
    if previous is not None:
        explained = {f.fingerprint: f for f in previous.findings if f.explanation}
    draft.unit_id, draft.year, draft.origin = unit.id, report.year, origin
    draft.report_json = report.to_json()
    draft.budget_json = budget.model_dump_json() if budget is not None else None
    draft.previous_id = previous.id if previous is not None else None
    draft.status = "checked"
    for i, f in enumerate(findings):
        location_text = str(f.location)
        print_ = fingerprint(f.rule, location_text)
        old = explained.get(print_)
        draft.findings.append(DraftFinding(
            rule=f.rule, severity=f.severity, location={k: v for k, v in f.location._asdict().items() if v is not None},
            location_text=location_text, message=f.message, expected=f.expected, found=f.found,
            arithmetic=f.arithmetic, place=f.place, fingerprint=print_,
            explanation=old.explanation if old else "", explained_by=old.explained_by if old else "",
            explained_at=old.explained_at if old else None, boxes=boxes[i] if boxes and i < len(boxes) else None))
    session.flush()
    supersede(session, draft)


@dataclass
class Changes:
    """A draft against the unit's previous one: findings gone, new, and still there."""

    previous: Draft | None
    gone: list[DraftFinding]
    new: list[DraftFinding]
    kept: list[DraftFinding]


def changes(session: Session, draft: Draft) -> Changes:
    if draft.previous_id is None:
        return Changes(None, [], [], [])
    previous = session.get(Draft, draft.previous_id)
    before = {f.fingerprint for f in previous.findings}
    after = {f.fingerprint for f in draft.findings}
    return Changes(previous, [f for f in previous.findings if f.fingerprint not in after],
                   [f for f in draft.findings if f.fingerprint not in before],
                   [f for f in draft.findings if f.fingerprint in before])


def latest_draft(session: Session, unit_id: int, year: int) -> Draft | None:
    return session.scalars(select(Draft).where(Draft.unit_id == unit_id, Draft.year == year,
                                               Draft.status.in_(("checked", "returned", "published")))
                           .order_by(Draft.id.desc())).first()


def _not_superseded(session: Session, draft: Draft) -> None:
    if draft.status == "superseded":
        raise Superseded(draft, latest_draft(session, draft.unit_id, draft.year))


def explain(session: Session, account: Account, finding: DraftFinding, reason: str) -> None:
    draft = session.get(Draft, finding.draft_id)
    if not may_review(account, draft.unit):
        raise WorkflowError("只有该地区的审核人可以说明检查结果")
    _not_superseded(session, draft)
    if draft.status != "checked":
        raise WorkflowError("这份草稿已不在审核中")
    reason = reason.strip()
    if not reason:
        raise WorkflowError("请写明理由")
    finding.explanation, finding.explained_by, finding.explained_at = reason[:2000], account.name, now()


def send_back(session: Session, account: Account, draft: Draft, comment: str) -> None:
    if not may_review(account, draft.unit):
        raise WorkflowError("只有该地区的审核人可以退回草稿")
    _not_superseded(session, draft)
    if draft.status != "checked":
        raise WorkflowError("这份草稿已不在审核中")
    if not comment.strip():
        raise WorkflowError("退回须写明意见")
    draft.status, draft.comment, draft.reviewed_by = "returned", comment.strip()[:5000], account.name


def unexplained(draft: Draft) -> list[DraftFinding]:
    return [f for f in draft.findings if f.severity in BLOCKING and not f.explanation]


# --- publishing ---------------------------------------------------------------------------------

# A test sets this to a function that raises, to crash a publication inside its transaction
# (after the public report is replaced and the version written, before the commit): the
# previous version must come out of it intact.
FAULT = None


def _findings_of(draft: Draft):
    from ..check import Finding, Location

    return [Finding(f.rule, f.severity, Location(**f.location), f.message, f.expected, f.found, f.arithmetic, f.place)
            for f in draft.findings]


def _store_public(session: Session, unit: ManagedUnit, report_json: str, budget_json: str | None, findings, origin: str,
                  source: str):
    from ..budget import Budget
    from ..report import Report
    from .ingest import UnitInfo, store_report

    budget = Budget.model_validate_json(budget_json) if budget_json else None
    info = UnitInfo(code=unit.code or (budget.unit.code if budget else ""), department=unit.department,
                    region=unit.region, kind=budget.unit.kind if budget else "",
                    department_code=budget.unit.department_code if budget else "")
    return store_report(session, Report.from_json(report_json), findings, budget=budget, info=info, source=source,
                        origin=origin)


def publish(session: Session, account: Account, draft: Draft, *, over_unexplained: bool = False,
            address: str = "") -> Version:
    """Draft → a new version of the unit's report of the year, and the public report replaced by
    it, in the caller's transaction: the version row, its file, the previous version marked
    superseded, the public tables and the audit line are committed together or not at all."""
    if not may_review(account, draft.unit):
        raise WorkflowError("只有该地区的审核人可以发布")
    _not_superseded(session, draft)
    if draft.status != "checked":
        raise WorkflowError("只有待审核的草稿可以发布")
    latest = latest_draft(session, draft.unit_id, draft.year)
    if latest is not None and latest.id != draft.id:
        raise WorkflowError(f"该单位已有更新的草稿（#{latest.id}），请审核最新的一份")
    open_ = unexplained(draft)
    if open_ and not over_unexplained:
        raise WorkflowError(f"还有 {len(open_)} 条错误或警告未说明：说明它们，或勾选“仍然发布”")
    unit = draft.unit
    number = (session.scalar(select(func.max(Version.number)).where(Version.unit_id == unit.id, Version.year == draft.year))
              or 0) + 1
    published = _store_public(session, unit, draft.report_json, draft.budget_json, _findings_of(draft), draft.origin,
                              f"{draft.filename} (版本 {number})")
    for old in session.scalars(select(Version).where(Version.unit_id == unit.id, Version.year == draft.year,
                                                     Version.status == "current")):
        old.status = "superseded"
    findings_json = json.dumps([{"rule": f.rule, "severity": f.severity, "location_text": f.location_text,
                                 "location": f.location, "message": f.message, "expected": f.expected, "found": f.found,
                                 "arithmetic": f.arithmetic, "place": f.place, "explanation": f.explanation,
                                 "explained_by": f.explained_by} for f in draft.findings], ensure_ascii=False)
    version = Version(unit_id=unit.id, public_key=published.unit_key, year=draft.year, number=number, draft_id=draft.id,
                      published_by=account.name, published_at=now(), report_json=draft.report_json,
                      budget_json=draft.budget_json, digest=hashlib.sha256(draft.report_json.encode("utf-8")).hexdigest(),
                      origin=draft.origin, findings_json=findings_json, unexplained=len(open_), status="current",
                      withdrawn_by="", withdrawn_reason="")
    session.add(version)
    session.flush()
    content = session.scalar(select(Draft.content).where(Draft.id == draft.id))
    file_digest = hashlib.sha256(content).hexdigest()
    session.add(VersionFile(version_id=version.id, name=draft.filename, size=len(content), sha256=file_digest,
                            content=content))
    draft.status, draft.reviewed_by = "published", account.name
    audit(session, account.name, "publish", f"{unit.name} {draft.year} 版本{number}",
          f"草稿 #{draft.id} {draft.filename} sha256 {file_digest}"
          + (f"；{len(open_)} 条未说明仍发布" if open_ else ""), address)
    session.flush()
    if FAULT is not None:
        FAULT()
    return version


def withdraw(session: Session, account: Account, version: Version, reason: str, address: str = "") -> None:
    """Withdraw a version: its record stays (readable, marked withdrawn with who, when, why);
    the public report becomes the latest version still standing, or goes when there is none."""
    if not may_review(account, version.unit):
        raise WorkflowError("只有该地区的审核人可以撤回")
    if version.status == "withdrawn":
        raise WorkflowError("这个版本已经撤回")
    if not reason.strip():
        raise WorkflowError("撤回须写明理由")
    was_current = version.status == "current"
    version.status, version.withdrawn_by, version.withdrawn_at = "withdrawn", account.name, now()
    version.withdrawn_reason = reason.strip()[:5000]
    if was_current:
        standing = session.scalars(select(Version).where(Version.unit_id == version.unit_id, Version.year == version.year,
                                                         Version.status != "withdrawn")
                                   .order_by(Version.number.desc())).first()
        if standing is not None:
            standing.status = "current"
            findings = [_finding_from_json(f) for f in json.loads(standing.findings_json)]
            _store_public(session, standing.unit, standing.report_json, standing.budget_json, findings, standing.origin,
                          f"版本 {standing.number}")
        else:
            _remove_public(session, version.public_key, version.year)
    audit(session, account.name, "withdraw", f"{version.unit.name} {version.year} 版本{version.number}", reason.strip(),
          address)


def _finding_from_json(data: dict):
    from ..check import Finding, Location

    return Finding(data["rule"], data["severity"], Location(**data.get("location", {})), data["message"],
                   data.get("expected", ""), data.get("found", ""), data.get("arithmetic", ""), data.get("place", ""))


def _remove_public(session: Session, key: str, year: int) -> None:
    from . import ingest
    from .models import CellRow, ClaimRow, FindingRow, ReportRow, SearchDoc, Unit

    unit = session.scalars(select(Unit).where(Unit.key == key)).first()
    if unit is None:
        return
    row = session.scalars(select(ReportRow).where(ReportRow.unit_id == unit.id, ReportRow.year == year)).first()
    if row is None:
        return
    ingest._forget_search(session, row.id)  # the full-text rows first: they are keyed by the documents' ids
    for model in (SearchDoc, CellRow, ClaimRow, FindingRow):
        session.execute(delete(model).where(model.report_id == row.id))
    session.delete(row)
    session.flush()


def public_versions(session: Session, key: str, year: int) -> list[Version]:
    return list(session.scalars(select(Version).where(Version.public_key == key, Version.year == year)
                                .order_by(Version.number)))


def counts(draft: Draft) -> Counter:
    return Counter(f.severity for f in draft.findings)

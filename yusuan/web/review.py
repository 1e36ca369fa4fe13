"""Drafts, review and publishing on the page (docs/workflow.md), and the public pages of the
published versions.

- /drafts: the drafts an account may see (a publisher's units, a reviewer's region, all for an
  admin) with each one's progress; a publisher's upload form (one or several files).
- /drafts/<id>: the draft's report in its official layout (the HTML renderer, as the unit page),
  its findings linked to their cells, with the page of the file they are on when it was read
  from a PDF; what changed since the unit's previous draft; a reviewer's forms: explain a
  finding, send the draft back, publish.
- /unit/<key>/<year>/versions and …/v/<n>: every published version, who published it and when,
  withdrawn ones marked with why; the original file, byte for byte, with its sha256.
"""
from __future__ import annotations

import json
import re
from urllib.parse import quote

from fastapi import FastAPI
from markupsafe import Markup
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..errors import InputError
from ..limits import is_whole
from ..store import workflow as wf
from ..store.workflow_models import Draft, DraftFinding, Job, Upload, Version, VersionFile
from . import review_export, review_pages, views
from .admin_auth import address, max_upload_bytes
from .fragment import report_fragment

STATUS_NAMES = {"queued": "排队中", "checking": "读取检查中", "checked": "待审核", "refused": "未能读取",
                "returned": "已退回", "published": "已发布", "unpacked": "已展开",
                "superseded": "已被新稿取代"}
SEVERITY_NAMES = {"error": "错误", "warning": "警告", "rounding": "舍入"}


def page_number(place: str) -> int | None:
    """'p.9 l.412' (where a finding is in a PDF or text) → 9."""
    found = re.search(r"p\.?\s*(\d+)", place or "")
    return int(found.group(1)) if found else None


def page_of(place: str) -> str:
    """'p.9 l.412' → '第9页'."""
    number = page_number(place)
    return f"第{number}页" if number else ""


def anchor(report, template, location: dict) -> str:
    """The cell (or table) a finding points at on the page; a performance-target finding points
    at its project's table (the renderer numbers them perf-1, perf-2 … in report order)."""
    found = views.cell_anchor(report, template, location)
    if found or not location.get("project"):
        return found
    for i, form in enumerate(report.performance, 1):
        if form.project_name == location["project"]:
            return f"table-perf-{i}"
    return ""


def box_style(finding: DraftFinding, box: dict, k: int, number: int) -> dict:
    """A finding's box as drawn over its page image: position and size as percentages of the
    page (PDF points over the page's size in points), so it lands right at whatever width the
    image is shown; the id the finding's row links to, and its number in the list."""
    x0, top, x1, bottom = box["box"]
    width, height = box["size"]
    pad = 1.5  # points around the printed text, so the frame does not cross the glyphs

    def pct(value: float, whole: float) -> str:
        return f"{max(0.0, min(100.0, value / whole * 100)):.3f}%"

    return {"id": f"box-{finding.id}-{k}", "finding": finding.id, "number": number, "severity": finding.severity,
            "rule": finding.rule, "label": box.get("label", ""), "kind": box.get("kind", ""),
            "left": pct(x0 - pad, width), "top": pct(top - pad, height),
            "width": pct(x1 - x0 + 2 * pad, width), "height": pct(bottom - top + 2 * pad, height)}


def findings_rows(findings: list[DraftFinding]) -> list[list[str]]:
    """The findings as the rows of every export (CSV, XLSX, PDF), so that the three agree."""
    return [[SEVERITY_NAMES.get(f.severity, f.severity), f.rule, f.location_text, page_of(f.place), f.message,
             f.expected, f.found, f.arithmetic, f.explanation, f.explained_by] for f in findings]


def findings_csv(findings: list[DraftFinding]) -> str:
    return views.rows_csv(review_export.HEADER, findings_rows(findings))


def _export(findings: list[DraftFinding], kind: str, title: str, year: int, name: str) -> Response:
    """Findings as CSV, XLSX or PDF, downloaded under ``name`` + the kind's suffix."""
    if kind == "csv":
        return _csv(findings_csv(findings), name + ".csv")
    rows = findings_rows(findings)
    if kind == "xlsx":
        content = review_export.findings_xlsx(title, rows, year)
        media = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        content = review_export.findings_pdf(title, rows, year)
        media = "application/pdf"
    return Response(content, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"findings.{kind}\"; filename*=UTF-8''{quote(name + '.' + kind)}"})


def _csv(text: str, name: str) -> Response:
    return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8", headers={
        "Content-Disposition": f"attachment; filename=\"findings.csv\"; filename*=UTF-8''{quote(name)}"})


def _file(content: bytes, name: str) -> Response:
    # Served as bytes to save, never to render: an uploaded .html or .svg must not run here.
    return Response(content, media_type="application/octet-stream", headers={
        "Content-Disposition": f"attachment; filename=\"draft\"; filename*=UTF-8''{quote(name)}",
        "X-Content-Type-Options": "nosniff"})


def register(app: FastAPI, ctx) -> None:
    from ..report import Report
    from ..templates import load as load_template
    from .admin import Refusal

    sessions = ctx.sessions

    def _draft(s: Session, request: Request, draft_id: int, roles: tuple[str, ...] = ("admin", "reviewer", "publisher")):
        me = ctx.who(request, s, roles)
        draft = s.get(Draft, draft_id)
        if draft is None or not wf.may_see(me, draft):
            raise Refusal(404, "没有这份草稿")  # another unit's draft is not said to exist
        return me, draft

    # --- lists and upload -----------------------------------------------------------------------

    def _show_all(request: Request) -> bool:
        return request.query_params.get("show") == "all"

    def _drafts_of(s: Session, me, show_all: bool = True) -> tuple[list, list[Draft], int]:
        """The drafts listed (newest first, at most 300) and how many older ones the default
        view leaves out: by default only the latest draft read of each unit and year (an older
        one — superseded, or returned or published before it — is one click away, show=all);
        drafts not yet read (or refused) have no unit and year and are always listed."""
        units = wf.visible_units(s, me)
        scope = []
        if me.role != "admin":
            ids = [u.id for u in units]
            scope.append(Draft.unit_id.in_(ids) | (Draft.uploaded_by == me.id))
        query = select(Draft).where(*scope).order_by(Draft.id.desc()).limit(300)
        hidden = 0
        if not show_all:
            latest = (select(func.max(Draft.id)).where(Draft.status.in_(wf.READ), Draft.unit_id.is_not(None))
                      .group_by(Draft.unit_id, Draft.year))
            older = Draft.status.in_(wf.READ) & Draft.unit_id.is_not(None) & Draft.id.not_in(latest)
            query = query.where(~older)
            hidden = s.scalar(select(func.count(Draft.id)).where(*scope, older)) or 0
        return units, list(s.scalars(query)), hidden

    def _uploads_of(s: Session, me, drafts: list[Draft]) -> list[wf.Progress]:
        """The uploads shown with their progress: a publisher's own latest ones, and any of the
        drafts listed still being checked."""
        ids = {d.upload_id for d in drafts if d.upload_id and d.status in ("queued", "checking")}
        query = select(Upload).order_by(Upload.id.desc())
        if me.role == "publisher":
            recent = list(s.scalars(query.where(Upload.account_id == me.id).limit(3)))
        else:
            recent = []
        chosen = {u.id: u for u in recent}
        for u in s.scalars(select(Upload).where(Upload.id.in_(ids))) if ids else []:
            chosen[u.id] = u
        uploads = sorted(chosen.values(), key=lambda u: -u.id)
        return list(wf.upload_progress(s, uploads).values())

    def _summary(d: Draft) -> str:
        if d.status in ("checked", "returned", "published"):
            c = [f.severity for f in d.findings]
            return f"{c.count('error')} 错误，{c.count('warning')} 警告"
        if d.status in ("refused", "unpacked", "superseded"):
            return d.message[:80]
        return ""

    @app.get("/drafts", response_class=HTMLResponse, include_in_schema=False)
    def drafts_page(request: Request) -> Response:
        with sessions() as s:
            gate = ctx.gate(request, s)
            if gate is not None:
                return gate
            me = ctx.auth.account(request, s)
            show_all = _show_all(request)
            units, drafts, hidden = _drafts_of(s, me, show_all)
            jobs = {j.draft_id: j for j in s.scalars(select(Job).where(Job.draft_id.in_([d.id for d in drafts])))}
            pending = any(d.status in ("queued", "checking") for d in drafts)
            for d in drafts:
                _ = d.unit, d.uploader, d.findings
            return ctx.page(request, "wf_drafts.html.j2", me, drafts=drafts, jobs=jobs, units=units, pending=pending,
                            statuses=STATUS_NAMES, limit_mb=max_upload_bytes() // (1024 * 1024),
                            total_mb=wf.max_upload_total_bytes() // (1024 * 1024), max_files=wf.MAX_FILES,
                            uploads=_uploads_of(s, me, drafts), summary=_summary, show_all=show_all, hidden=hidden,
                            message=request.query_params.get("m", ""))

    @app.get("/drafts/status.json", include_in_schema=False)
    def drafts_status(request: Request) -> Response:
        """What the drafts page refreshes in place while drafts are checked: each upload's
        progress and each draft's status (no full reload: the reviewer's scrolling and the
        publisher's half-filled form stay)."""
        with sessions() as s:
            me = ctx.who(request, s)
            _, drafts, _hidden = _drafts_of(s, me, _show_all(request))
            jobs = {j.draft_id: j for j in s.scalars(select(Job).where(Job.draft_id.in_([d.id for d in drafts])))}
            data = {
                "uploads": [{"id": p.upload.id, "done": p.done, "total": p.total, "refused": p.refused,
                             "unpacking": p.unpacking, "finished": p.finished} for p in _uploads_of(s, me, drafts)],
                "drafts": [{"id": d.id, "status": d.status, "name": STATUS_NAMES.get(d.status, d.status),
                            "unit": d.unit.name if d.unit else "", "year": d.year or "",
                            "progress": jobs[d.id].progress if d.id in jobs and d.status in ("queued", "checking") else "",
                            "summary": _summary(d)} for d in drafts],
                "pending": any(d.status in ("queued", "checking") for d in drafts),
            }
        return Response(json.dumps(data, ensure_ascii=False), media_type="application/json",
                        headers={"Cache-Control": "no-store"})

    @app.post("/drafts/upload", include_in_schema=False)
    async def upload(request: Request) -> Response:
        form = await ctx.form(request)
        # "files": picked one by one; "folder": a folder picked whole (webkitdirectory), each
        # file named with its path inside the folder.
        # A browser sends an input left empty as a part without a file name: not a file.
        files = [f for key in ("files", "folder") for f in form.getlist(key) if hasattr(f, "read") and f.filename]
        limit, total_limit = max_upload_bytes(), wf.max_upload_total_bytes()
        contents, total = [], 0
        for f in files:
            data = await f.read(limit + 1)  # one byte more tells us it is too big, without reading it all
            if len(data) > limit:
                raise Refusal(413, f"{f.filename}：文件超过 {limit // (1024 * 1024)} MB 的上限")
            total += len(data)
            if total > total_limit:
                raise Refusal(413, f"一次上传的文件共超过 {total_limit // (1024 * 1024)} MB 的上限")
            contents.append((f.filename or "draft", data))
        if not contents:
            raise Refusal(400, "请选择要上传的文件或文件夹")

        def work() -> Response:
            # Only the bytes are stored here, each with its job: reading and checking (and
            # unpacking a .zip) are the worker's, in its capped process (yusuan/jobs.py).
            with sessions.begin() as s:
                me = ctx.who(request, s, ("publisher",))
                try:
                    batch, drafts, skipped = wf.submit_upload(s, me, contents)
                except wf.WorkflowError as exc:
                    raise Refusal(400, str(exc)) from None
                s.flush()
                for d in drafts:
                    wf.audit(s, me.name, "upload", f"草稿 #{d.id}", f"{d.filename} {d.size} bytes sha256 {d.sha256}",
                             address(request))
                single = len(drafts) == 1 and not drafts[0].filename.lower().endswith(wf.ARCHIVE)
                target = f"/drafts/{drafts[0].id}" if single else f"/drafts?upload={batch.id}"
                if skipped:
                    shown = "、".join(skipped[:10]) + (f" 等 {len(skipped)} 个" if len(skipped) > 10 else "")
                    target += ("&" if "?" in target else "?") + "m=" + quote(f"未上传（不是可读的文件）：{shown}")
            return RedirectResponse(target, status_code=303)

        return await run_in_threadpool(work)

    # --- one draft ------------------------------------------------------------------------------

    @app.get("/drafts/{draft_id}", response_class=HTMLResponse, include_in_schema=False)
    def draft_page(request: Request, draft_id: int) -> Response:
        with sessions() as s:
            gate = ctx.gate(request, s)
            if gate is not None:
                return gate
            me, draft = _draft(s, request, draft_id)
            job = s.scalars(select(Job).where(Job.draft_id == draft.id).order_by(Job.id.desc())).first()
            context = dict(draft=draft, job=job, statuses=STATUS_NAMES, severities=SEVERITY_NAMES, page_of=page_of,
                           page_number=page_number, pages=[], page_total=0, on_page={}, boxes={}, heights={}, rendered=False,
                           pages_pending=False, reviewer=wf.may_review(me, draft.unit), fragment="", anchors={}, changes=None,
                           open_=[], versions=[], latest=None, message=request.query_params.get("m", ""))
            if draft.report_json:
                report = Report.from_json(draft.report_json)
                template = load_template(report.template, report.year)
                base = f"/drafts/{draft.id}"
                context["fragment"] = Markup(report_fragment(report, template,
                                                             lambda t: f"{base}/table/{quote(t, safe='')}.csv"))
                context["anchors"] = {f.id: anchor(report, template, f.location or {}) for f in draft.findings}
                context["changes"] = wf.changes(s, draft)
                context["open_"] = wf.unexplained(draft)
                context["latest"] = wf.latest_draft(s, draft.unit_id, draft.year)
                context["versions"] = list(s.scalars(select(Version).where(Version.unit_id == draft.unit_id,
                                                                           Version.year == draft.year)
                                                     .order_by(Version.number)))
                context.update(_pages(s, draft))
            _ = draft.unit, draft.uploader
            return ctx.page(request, "wf_draft.html.j2", me, counts=wf.counts(draft), **context)

    def _pdf_source(s: Session, draft: Draft):
        """(cache key, loader) of the PDF whose pages the draft shows: the uploaded PDF, or a
        budget draft's own PDF rendered by the worker; None when there is none (yet)."""
        if review_pages.is_pdf(draft.filename):
            return draft.sha256, lambda: _content(s, draft)
        if s.scalar(select(Draft.id).where(Draft.id == draft.id, Draft.pdf.is_not(None))) is not None:
            # the rendered PDF belongs to this draft alone (its boxes were read from it)
            return f"rendered-{draft.id}", lambda: s.scalar(select(Draft.pdf).where(Draft.id == draft.id))
        return None

    def _pages(s: Session, draft: Draft) -> dict:
        """The draft's PDF pages to show (bounded), the findings on each, and their boxes."""
        source = _pdf_source(s, draft)
        if source is None:
            pending = s.scalar(select(Job.id).where(Job.draft_id == draft.id, Job.kind == "pages",
                                                    Job.status.in_(("queued", "running"))))
            return dict(pages_pending=pending is not None)
        sizes = review_pages.page_sizes(source[0], source[1])
        total = len(sizes)
        shown = min(total, review_pages.max_pages())
        on_page: dict[int, list[DraftFinding]] = {}
        boxes: dict[int, list[dict]] = {}
        for number, f in enumerate(draft.findings, 1):
            pages = [b["page"] for b in f.boxes or []] or [page_number(f.place)]
            for page in dict.fromkeys(p for p in pages if p):
                on_page.setdefault(page, []).append(f)
            for k, b in enumerate(f.boxes or []):
                boxes.setdefault(b["page"], []).append(box_style(f, b, k, number))
        # each image's height at the shown width (893 px: A4 at the default scale), from its page's size
        heights = {n: round(893 * h / w) if w > 0 else 1263 for n, (w, h) in enumerate(sizes[:shown], 1)}
        return dict(pages=list(range(1, shown + 1)), page_total=total, on_page=on_page, boxes=boxes, heights=heights,
                    rendered=not review_pages.is_pdf(draft.filename))

    def _content(s: Session, draft: Draft) -> bytes:
        return s.scalar(select(Draft.content).where(Draft.id == draft.id))

    @app.get("/drafts/{draft_id}/pages/{number}.png", include_in_schema=False)
    def draft_page_png(request: Request, draft_id: int, number: int) -> Response:
        with sessions() as s:
            _, draft = _draft(s, request, draft_id)
            source = _pdf_source(s, draft) if draft.report_json else None
            if source is None:
                raise Refusal(404, "这份草稿没有可显示的PDF页面")
            total = review_pages.page_count(*source)
            if not 1 <= number <= min(total, review_pages.max_pages()):
                raise Refusal(404, f"没有第{number}页")
            try:
                image = review_pages.page_png(source[0], source[1], number)
            except InputError as exc:
                raise Refusal(422, str(exc).replace(str(exc.file), draft.filename)) from None
        # The same draft's page never changes (its bytes are fixed by their sha256): cache it privately.
        return Response(image, media_type="image/png", headers={"Cache-Control": "private, max-age=3600",
                                                                "X-Content-Type-Options": "nosniff"})

    @app.get("/drafts/{draft_id}/findings.{kind}", include_in_schema=False)
    def draft_findings(request: Request, draft_id: int, kind: str) -> Response:
        if kind not in ("csv", "xlsx", "pdf"):
            raise Refusal(404, f"没有这种格式：{kind}")
        with sessions() as s:
            _, draft = _draft(s, request, draft_id)
            unit = draft.unit.name if draft.unit else draft.filename
            title = f"草稿 #{draft.id} {unit} {draft.year or ''} 检查结果"
            # a draft not read has no year: its upload year dates the file instead
            return _export(draft.findings, kind, title, draft.year or draft.uploaded_at.year, f"草稿{draft.id}-检查结果")

    @app.get("/drafts/{draft_id}/file", include_in_schema=False)
    def draft_file(request: Request, draft_id: int) -> Response:
        with sessions() as s:
            _, draft = _draft(s, request, draft_id)
            return _file(s.scalar(select(Draft.content).where(Draft.id == draft.id)), draft.filename)

    @app.get("/drafts/{draft_id}/table/{table_id}.csv", include_in_schema=False)
    def draft_table_csv(request: Request, draft_id: int, table_id: str) -> Response:
        with sessions() as s:
            _, draft = _draft(s, request, draft_id)
            if not draft.report_json:
                raise Refusal(404, "这份草稿还没有读出报告")
            report = Report.from_json(draft.report_json)
            table = report.table(table_id)
            if table is None:
                raise Refusal(404, f"没有表{table_id}")
            text = views.table_csv(table, load_template(report.template, report.year), report.unit_name)
            return _csv(text, f"草稿{draft.id}-表{table_id}.csv")

    def _review_action(request: Request, draft_id: int, action, place: str = "review") -> Response:
        """Run a reviewer's action on a draft in one transaction with its audit line; a refusal
        goes back to the draft page as a message (and into the audit log as refused)."""
        try:
            with sessions.begin() as s:
                me, draft = _draft(s, request, draft_id, ("reviewer",))
                message = action(s, me, draft)
        except wf.WorkflowError as exc:
            with sessions.begin() as s:
                me = ctx.auth.account(request, s)
                wf.audit(s, me.name if me else "", "review", f"草稿 #{draft_id}", str(exc), address(request), "refused")
            message = str(exc)
            if isinstance(exc, wf.Superseded) and exc.latest_id:  # sent on to the draft that counts now
                return RedirectResponse(f"/drafts/{exc.latest_id}?m={quote(message)}#review", status_code=303)
        return RedirectResponse(f"/drafts/{draft_id}?m={quote(message)}#{place}", status_code=303)

    @app.post("/drafts/{draft_id}/findings/{finding_id}/explain", include_in_schema=False)
    async def explain(request: Request, draft_id: int, finding_id: int) -> Response:
        form = await ctx.form(request)

        def action(s: Session, me, draft: Draft) -> str:
            finding = s.get(DraftFinding, finding_id)
            if finding is None or finding.draft_id != draft.id:
                raise Refusal(404, "没有这条检查结果")
            wf.explain(s, me, finding, str(form.get("reason", "")))
            wf.audit(s, me.name, "explain", f"草稿 #{draft.id} {finding.rule} {finding.location_text}"[:300],
                     finding.explanation, address(request))
            return f"已说明：{finding.rule}"

        # back to the finding explained, so that the reviewer goes on down the list from there
        return await run_in_threadpool(_review_action, request, draft_id, action, f"finding-{finding_id}")

    @app.post("/drafts/{draft_id}/return", include_in_schema=False)
    async def send_back(request: Request, draft_id: int) -> Response:
        form = await ctx.form(request)

        def action(s: Session, me, draft: Draft) -> str:
            wf.send_back(s, me, draft, str(form.get("comment", "")))
            wf.audit(s, me.name, "return", f"草稿 #{draft.id} {draft.unit.name}", draft.comment, address(request))
            return "已退回"

        return await run_in_threadpool(_review_action, request, draft_id, action)

    @app.post("/drafts/{draft_id}/publish", include_in_schema=False)
    async def publish(request: Request, draft_id: int) -> Response:
        form = await ctx.form(request)
        over = form.get("over_unexplained") == "1"

        def work() -> Response:
            try:
                with sessions.begin() as s:
                    me, draft = _draft(s, request, draft_id, ("reviewer",))
                    version = wf.publish(s, me, draft, over_unexplained=over, address=address(request))
                    target = f"/unit/{quote(version.public_key, safe='')}/{version.year}/v/{version.number}"
            except wf.WorkflowError as exc:
                return _refused(str(exc), "refused", getattr(exc, "latest_id", None))
            except Refusal:
                raise
            except Exception as exc:  # noqa: BLE001 — the transaction is rolled back; say so, and record it
                import logging

                logging.getLogger("yusuan.web").exception("publishing draft %s failed", draft_id)
                return _refused(f"发布失败，未作任何改动（{type(exc).__name__}）", "failed")
            return RedirectResponse(target, status_code=303)

        def _refused(message: str, outcome: str, latest_id: int | None = None) -> Response:
            with sessions.begin() as s:
                me = ctx.auth.account(request, s)
                wf.audit(s, me.name if me else "", "publish", f"草稿 #{draft_id}", message, address(request), outcome)
            # a superseded draft's refusal sends the reviewer on to the unit's latest draft
            return RedirectResponse(f"/drafts/{latest_id or draft_id}?m={quote(message)}#review", status_code=303)

        return await run_in_threadpool(work)

    # --- versions -------------------------------------------------------------------------------

    @app.post("/versions/{version_id}/withdraw", include_in_schema=False)
    async def withdraw(request: Request, version_id: int) -> Response:
        form = await ctx.form(request)

        def work() -> Response:
            try:
                with sessions.begin() as s:
                    me = ctx.who(request, s, ("reviewer",))
                    version = s.get(Version, version_id)
                    if version is None:
                        raise Refusal(404, "没有这个版本")
                    wf.withdraw(s, me, version, str(form.get("reason", "")), address(request))
                    target = f"/unit/{quote(version.public_key, safe='')}/{version.year}/v/{version.number}"
            except wf.WorkflowError as exc:
                raise Refusal(400, str(exc)) from None
            return RedirectResponse(target, status_code=303)

        return await run_in_threadpool(work)

    def _versions(s: Session, key: str, year: str) -> list[Version]:
        if not is_whole(year, 4):
            raise Refusal(404, f"没有这一年：{year}")
        versions = wf.public_versions(s, key, int(year))
        if not versions:
            raise Refusal(404, "这个单位这一年没有经审核发布的版本")
        return versions

    @app.get("/unit/{key}/{year}/versions", response_class=HTMLResponse, include_in_schema=False)
    def versions_page(request: Request, key: str, year: str) -> Response:
        with sessions() as s:
            versions = _versions(s, key, year)
            _ = [v.unit for v in versions]
            return ctx.page(request, "wf_versions.html.j2", ctx.auth.account(request, s), versions=versions, key=key,
                            year=int(year))

    def _version(s: Session, key: str, year: str, number: str) -> Version:
        version = next((v for v in _versions(s, key, year) if str(v.number) == number), None)
        if version is None:
            raise Refusal(404, f"没有版本 {number}")
        return version

    @app.get("/unit/{key}/{year}/v/{number}", response_class=HTMLResponse, include_in_schema=False)
    def version_page(request: Request, key: str, year: str, number: str) -> Response:
        with sessions() as s:
            version = _version(s, key, year, number)
            me = ctx.auth.account(request, s)
            report = Report.from_json(version.report_json)
            template = load_template(report.template, report.year)
            findings = json.loads(version.findings_json)
            anchors = [anchor(report, template, f.get("location") or {}) for f in findings]
            files = list(s.scalars(select(VersionFile).where(VersionFile.version_id == version.id)))
            _ = version.unit
            base = f"/unit/{quote(key, safe='')}/{year}/v/{version.number}"
            fragment = Markup(report_fragment(report, template, lambda t: f"{base}/table/{quote(t, safe='')}.csv"))
            return ctx.page(request, "wf_version.html.j2", me, version=version, files=files, findings=findings,
                            anchors=anchors, fragment=fragment, severities=SEVERITY_NAMES, page_of=page_of,
                            may_withdraw=me is not None and wf.may_review(me, version.unit), key=key,
                            others=wf.public_versions(s, key, version.year))

    @app.get("/unit/{key}/{year}/v/{number}/file/{file_id}", include_in_schema=False)
    def version_file(key: str, year: str, number: str, file_id: int) -> Response:
        with sessions() as s:
            version = _version(s, key, year, number)
            file = s.get(VersionFile, file_id)
            if file is None or file.version_id != version.id:
                raise Refusal(404, "没有这个文件")
            return _file(s.scalar(select(VersionFile.content).where(VersionFile.id == file.id)), file.name)

    @app.get("/unit/{key}/{year}/v/{number}/table/{table_id}.csv", include_in_schema=False)
    def version_table_csv(key: str, year: str, number: str, table_id: str) -> Response:
        with sessions() as s:
            version = _version(s, key, year, number)
            report = Report.from_json(version.report_json)
            table = report.table(table_id)
            if table is None:
                raise Refusal(404, f"没有表{table_id}")
            text = views.table_csv(table, load_template(report.template, report.year), report.unit_name)
            return _csv(text, f"{key}-{version.year}-v{version.number}-表{table_id}.csv")

    @app.get("/unit/{key}/{year}/v/{number}/findings.{kind}", include_in_schema=False)
    def version_findings(key: str, year: str, number: str, kind: str) -> Response:
        if kind not in ("csv", "xlsx", "pdf"):
            raise Refusal(404, f"没有这种格式：{kind}")
        with sessions() as s:
            version = _version(s, key, year, number)
            findings = [DraftFinding(**{k: f.get(k, "") for k in ("rule", "severity", "location_text", "message", "expected",
                                                                  "found", "arithmetic", "place", "explanation",
                                                                  "explained_by")})
                        for f in json.loads(version.findings_json)]
            title = f"{version.unit.name} {version.year}年 版本{version.number} 检查结果"
            return _export(findings, kind, title, version.year, f"{key}-{version.year}-v{version.number}-检查结果")

"""The finance bureau's side of the portal: logging in, and the admin's pages (accounts, units,
the audit log). The drafts, review and publishing pages are in review.py; both are registered
by ``register`` from create_app. The public pages stay public and read-only: everything here is
under /login, /logout, /workflow, /admin, /drafts, /versions, and every POST needs a session,
the right role and the form's CSRF token.
"""
from __future__ import annotations

import os
from typing import Callable
from urllib.parse import quote

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from ..limits import is_whole
from ..store import workflow as wf
from ..store.workflow_models import ROLES, Account, AuditEntry, ManagedUnit
from .admin_auth import MAX_FILES, Auth, address, max_upload_bytes, max_upload_total_bytes

ROLE_NAMES = {"admin": "管理员", "reviewer": "审核人", "publisher": "填报人"}


class Refusal(Exception):
    """Stop a request with a page (status, message)."""

    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


class Ctx:
    """What the workflow's handlers share: the sessions, the signing, the page renderer."""

    def __init__(self, app: FastAPI, env, sessions):
        self.app, self.env, self.sessions = app, env, sessions
        self.auth = Auth(sessions)

    def page(self, request: Request, name: str, account: Account | None, code: int = 200, /, **context) -> HTMLResponse:
        context.setdefault("message", "")
        html = self.env.get_template(name).render(me=account, csrf=self.auth.token(request), roles=ROLE_NAMES, **context)
        return HTMLResponse(html, status_code=code, headers={"Cache-Control": "no-store"})

    def login_redirect(self, request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target, safe='')}", status_code=303)

    def gate(self, request: Request, s: Session) -> Response | None:
        """Where a workflow page sends someone who may not see it yet: to the login without a
        session, to the password form while the password is a temporary one; None: go on."""
        account = self.auth.account(request, s)
        if account is None:
            return self.login_redirect(request)
        if account.must_change:
            return RedirectResponse("/account/password", status_code=303)
        return None

    def who(self, request: Request, s: Session, roles: tuple[str, ...] = ROLES) -> Account:
        account = self.auth.account(request, s)
        if account is None:
            raise Refusal(401, "请先登录")
        if account.must_change:
            raise Refusal(403, "请先修改临时密码（/account/password）")
        if account.role not in roles:
            raise Refusal(403, "你的角色不能做这件事")
        return account

    async def form(self, request: Request) -> FormData:
        """The POSTed form, once its CSRF token is checked."""
        form = await request.form(max_files=MAX_FILES, max_fields=200)
        if not self.auth.valid(request, form.get("csrf")):
            raise Refusal(403, "表单已过期或来源不明（缺少 CSRF 令牌），请刷新页面后重试")
        return form

    def refuse(self, request: Request, status: int, message: str) -> Response:
        with self.sessions() as s:
            account = self.auth.account(request, s)
            return self.page(request, "error.html.j2", account, status, status=status, message=message)


class WorkflowGuard:
    """Plain ASGI middleware (Starlette's ``@app.middleware`` ran every request, the public pages'
    too, through an extra task and body stream: ~0.3 ms of a page seen before):

    - uploads are refused on their declared size before a byte of them is parsed or spooled; a
      request without a length (chunked) cannot be measured beforehand, so it is refused;
    - a visitor given a CSRF token by a page (``Auth.token``) gets its cookie on the response.
    """

    def __init__(self, app, ctx: Ctx):
        self.app, self.ctx = app, ctx

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope, receive)
        if scope["method"] == "POST" and scope["path"].startswith("/drafts"):
            length = request.headers.get("content-length")
            limit = max_upload_total_bytes() + 1024 * 1024  # the files, and room for the form around them
            if length is None or not is_whole(length, 18) or int(length) > limit:
                response = await run_in_threadpool(self.ctx.refuse, request, 413,
                                                   f"上传的内容超过上限（每个文件 {max_upload_bytes() // (1024 * 1024)} MB，"
                                                   f"一次共 {max_upload_total_bytes() // (1024 * 1024)} MB、"
                                                   f"至多 {MAX_FILES} 个文件）")
                return await response(scope, receive, send)

        async def with_cookie(message):
            if message["type"] == "http.response.start" and scope.get("state", {}).get("new_csrf"):
                cookie = Response()
                self.ctx.auth.set_cookie(request, cookie)
                message = {**message, "headers": list(message.get("headers", []))
                           + [(k, v) for k, v in cookie.raw_headers if k == b"set-cookie"]}
            await send(message)

        await self.app(scope, receive, with_cookie)


def register(app: FastAPI, env, sessions) -> None:
    from . import review

    ctx = Ctx(app, env, sessions)

    @app.exception_handler(Refusal)
    async def refused(request: Request, exc: Refusal) -> Response:
        return await run_in_threadpool(ctx.refuse, request, exc.status, exc.message)

    app.add_middleware(WorkflowGuard, ctx=ctx)

    # --- logging in -----------------------------------------------------------------------------

    def _next(target: str | None) -> str:
        # Only a path of this site: /x but not //evil.example or http://…
        return target if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            else "/workflow"

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request, next: str = "") -> Response:
        return ctx.page(request, "wf_login.html.j2", None, next=_next(next))

    @app.post("/login", include_in_schema=False)
    async def login(request: Request) -> Response:
        form = await ctx.form(request)
        name, password = str(form.get("name", "")).strip()[:100], str(form.get("password", ""))
        target, where = _next(str(form.get("next", ""))), address(request)

        def work() -> Response:
            with sessions.begin() as s:
                if wf.throttled(s, name, where):
                    wf.audit(s, name, "login", name, "too many failed attempts", where, "refused")
                    return ctx.page(request, "wf_login.html.j2", None, 429, next=target,
                                    message=f"登录失败次数过多，请 {wf.WINDOW.seconds // 60} 分钟后再试")
                account = s.scalars(select(Account).where(Account.name == name)).first()
                if not wf.verify_password(account, password):
                    wf.login_failed(s, name, where)
                    wf.audit(s, name, "login", name, "wrong name or password", where, "refused")
                    return ctx.page(request, "wf_login.html.j2", None, 401, next=target, message="账号或密码不对")
                if wf.temporary_expired(account):
                    wf.audit(s, name, "login", name, "temporary password expired", where, "refused")
                    return ctx.page(request, "wf_login.html.j2", None, 401, next=target,
                                    message="临时密码已过期，请联系管理员重新设置")
                wf.login_succeeded(s, name)
                wf.audit(s, name, "login", name, "temporary password" if account.must_change else "", where)
                # a temporary password is good only for choosing a new one
                response = RedirectResponse("/account/password" if account.must_change else target, status_code=303)
                ctx.auth.log_in(response, request, account)
                return response

        return await run_in_threadpool(work)

    @app.post("/logout", include_in_schema=False)
    async def logout(request: Request) -> Response:
        await ctx.form(request)

        def work() -> Response:
            with sessions.begin() as s:
                account = ctx.auth.account(request, s)
                if account is not None:
                    account.epoch += 1  # every session of this account ends, not only this browser's
                    wf.audit(s, account.name, "logout", account.name, "", address(request))
            response = RedirectResponse("/", status_code=303)
            ctx.auth.log_out(response)
            return response

        return await run_in_threadpool(work)

    @app.get("/workflow", include_in_schema=False)
    def workflow_home(request: Request) -> Response:
        with sessions() as s:
            gate = ctx.gate(request, s)
            account = ctx.auth.account(request, s)
        if gate is not None:
            return gate
        return RedirectResponse("/admin" if account.role == "admin" else "/drafts", status_code=303)

    # --- one's own password ---------------------------------------------------------------------

    @app.get("/account/password", response_class=HTMLResponse, include_in_schema=False)
    def password_page(request: Request) -> Response:
        with sessions() as s:
            me = ctx.auth.account(request, s)
            if me is None:
                return ctx.login_redirect(request)
            return ctx.page(request, "wf_password.html.j2", me, message=request.query_params.get("m", ""))

    @app.post("/account/password", include_in_schema=False)
    async def change_password(request: Request) -> Response:
        form = await ctx.form(request)
        current, new, repeated = (str(form.get(k, "")) for k in ("current", "new", "repeated"))
        where = address(request)

        def work() -> Response:
            with sessions.begin() as s:
                me = ctx.auth.account(request, s)  # a temporary password may (must) be changed here
                if me is None:
                    raise Refusal(401, "请先登录")
                # Guessing the current password here is guessing a login: the same throttle.
                if wf.throttled(s, me.name, where):
                    wf.audit(s, me.name, "change-password", me.name, "too many failed attempts", where, "refused")
                    return ctx.page(request, "wf_password.html.j2", me, 429,
                                    message=f"失败次数过多，请 {wf.WINDOW.seconds // 60} 分钟后再试")
                try:
                    changed = wf.change_password(s, me, current, new, repeated)
                except wf.WorkflowError as exc:
                    return ctx.page(request, "wf_password.html.j2", me, 400, message=str(exc))
                if not changed:
                    wf.login_failed(s, me.name, where)
                    wf.audit(s, me.name, "change-password", me.name, "wrong current password", where, "refused")
                    return ctx.page(request, "wf_password.html.j2", me, 401, message="当前密码不对")
                wf.audit(s, me.name, "change-password", me.name, "every session ended", where)
                # Every session of the account ended with the epoch raised; this browser gets a new one.
                response = RedirectResponse("/workflow", status_code=303)
                ctx.auth.log_in(response, request, me)
                return response

        return await run_in_threadpool(work)

    # --- the admin's pages ----------------------------------------------------------------------

    @app.get("/admin", response_class=HTMLResponse, include_in_schema=False)
    def admin_page(request: Request) -> Response:
        with sessions() as s:
            gate = ctx.gate(request, s)
            if gate is not None:
                return gate
            me = ctx.who(request, s, ("admin",))
            accounts = list(s.scalars(select(Account).order_by(Account.role, Account.name)))
            units = list(s.scalars(select(ManagedUnit).order_by(ManagedUnit.region, ManagedUnit.name)))
            for a in accounts:
                _ = a.units  # loaded while the session is open
            return ctx.page(request, "wf_admin.html.j2", me, accounts=accounts, units=units, message=request.query_params.get("m", ""))

    def _admin_action(request: Request, form: FormData, action: Callable[[Session, Account], str]) -> Response:
        try:
            with sessions.begin() as s:
                me = ctx.who(request, s, ("admin",))
                message = action(s, me)
        except wf.WorkflowError as exc:
            message = str(exc)
        return RedirectResponse(f"/admin?m={quote(message)}", status_code=303)

    @app.post("/admin/accounts", include_in_schema=False)
    async def create_account(request: Request) -> Response:
        form = await ctx.form(request)

        def action(s: Session, me: Account) -> str:
            ids = [int(v) for v in form.getlist("units") if is_whole(str(v), 18)]
            units = list(s.scalars(select(ManagedUnit).where(ManagedUnit.id.in_(ids)))) if ids else []
            account = wf.create_account(s, str(form.get("name", "")), str(form.get("password", "")),
                                        str(form.get("role", "")), region=str(form.get("region", "")).strip(), units=units)
            wf.audit(s, me.name, "create-account", account.name,
                     f"role {account.role}" + (f", region {account.region}" if account.region else "")
                     + (f", units {', '.join(u.name for u in units)}" if units else ""), address(request))
            return f"已建立账号 {account.name}"

        return await run_in_threadpool(_admin_action, request, form, action)

    @app.post("/admin/accounts/{account_id}/disable", include_in_schema=False)
    async def disable_account(request: Request, account_id: int) -> Response:
        form = await ctx.form(request)

        def action(s: Session, me: Account) -> str:
            account = s.get(Account, account_id)
            if account is None:
                raise wf.WorkflowError("没有这个账号")
            if account.id == me.id:
                raise wf.WorkflowError("不能停用自己的账号")
            account.active, account.epoch = False, account.epoch + 1
            wf.audit(s, me.name, "disable-account", account.name, "", address(request))
            return f"已停用 {account.name}"

        return await run_in_threadpool(_admin_action, request, form, action)

    @app.post("/admin/accounts/{account_id}/reset-password", include_in_schema=False)
    async def reset_password(request: Request, account_id: int) -> Response:
        await ctx.form(request)  # its CSRF token checked; the form carries nothing else

        def work() -> Response:
            try:
                with sessions.begin() as s:
                    me = ctx.who(request, s, ("admin",))
                    # Resets are throttled per admin, as logins are: a stolen admin session cannot
                    # take over every account in a burst without it showing in the log first.
                    since = wf.now() - wf.WINDOW
                    recent = s.scalar(select(func.count()).where(AuditEntry.account == me.name,
                                                                 AuditEntry.action == "reset-password",
                                                                 AuditEntry.at > since))
                    if recent >= wf.RESETS_PER_WINDOW:
                        raise wf.WorkflowError(f"{wf.WINDOW.seconds // 60} 分钟内至多重设 {wf.RESETS_PER_WINDOW} 个密码")
                    account = s.get(Account, account_id)
                    if account is None:
                        raise wf.WorkflowError("没有这个账号")
                    temporary = wf.reset_password(s, me, account)
                    wf.audit(s, me.name, "reset-password", account.name,
                             "temporary password issued; every session of the account ended", address(request))
                    until = account.temporary_until
                    name = account.name
            except wf.WorkflowError as exc:
                return RedirectResponse(f"/admin?m={quote(str(exc))}", status_code=303)
            # Shown once, on this page only: never in a URL, a log or the database (its hash only).
            with sessions() as s:
                me = ctx.auth.account(request, s)
                return ctx.page(request, "wf_reset.html.j2", me, name=name, temporary=temporary, until=until)

        return await run_in_threadpool(work)

    @app.post("/admin/units", include_in_schema=False)
    async def create_unit(request: Request) -> Response:
        form = await ctx.form(request)

        def action(s: Session, me: Account) -> str:
            name = str(form.get("name", "")).strip()[:500]
            if not name:
                raise wf.WorkflowError("请填写单位名称")
            if s.scalars(select(ManagedUnit.id).where(ManagedUnit.name == name)).first() is not None:
                raise wf.WorkflowError(f"单位 {name} 已存在")
            unit = ManagedUnit(name=name, code=str(form.get("code", "")).strip()[:100],
                               region=str(form.get("region", "")).strip()[:500],
                               department=str(form.get("department", "")).strip()[:500])
            s.add(unit)
            wf.audit(s, me.name, "create-unit", name, f"code {unit.code}, region {unit.region}", address(request))
            return f"已登记单位 {name}"

        return await run_in_threadpool(_admin_action, request, form, action)

    @app.get("/admin/audit", response_class=HTMLResponse, include_in_schema=False)
    def audit_page(request: Request, page: int = 1) -> Response:
        with sessions() as s:
            gate = ctx.gate(request, s)
            if gate is not None:
                return gate
            me = ctx.who(request, s, ("admin",))
            page = max(1, min(page, 100000))
            entries = list(s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc()).offset((page - 1) * 100).limit(101)))
            return ctx.page(request, "wf_audit.html.j2", me, entries=entries[:100], page=page, more=len(entries) > 100)

    review.register(app, ctx)

    count = int(os.environ.get("YUSUAN_WORKERS", "1"))
    if count > 0:
        # Drafts are read and checked by threads of the server itself unless YUSUAN_WORKERS=0
        # (then `yusuan worker` processes do it, on this machine or others): started with the
        # application's lifespan, around whatever lifespan it already has.
        from contextlib import asynccontextmanager

        from ..jobs import start_threads

        inner = app.router.lifespan_context

        @asynccontextmanager
        async def lifespan(application):
            stop, threads = start_threads(sessions, count)
            try:
                async with inner(application) as state:
                    yield state
            finally:
                stop.set()
                for thread in threads:
                    thread.join(5)

        app.router.lifespan_context = lifespan

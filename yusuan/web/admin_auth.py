"""Who is asking: signed session cookies, CSRF tokens, the upload size guard.

- The session cookie holds only the account id and its ``epoch``, signed with the database's key
  (itsdangerous, timestamped: 8 hours). Raising the epoch (logout, disabling) ends every session
  of the account at once, without a table of sessions to sweep.
- CSRF: every visitor gets a random token in its own signed cookie (double-submit); every form
  carries it in a hidden field and every POST compares the two. A page of another site can make
  the browser send the cookie but cannot read it to put it in the form. Both cookies are
  HttpOnly and SameSite=Strict (no cross-site request carries them at all), and Secure when the
  portal is served over HTTPS.
"""
from __future__ import annotations

import hmac
import secrets

from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from ..store.workflow import MAX_FILES, max_upload_bytes, max_upload_total_bytes, signing_key  # noqa: F401 (re-exported)
from ..store.workflow_models import Account

SESSION_COOKIE = "yusuan_session"
CSRF_COOKIE = "yusuan_csrf"
SESSION_SECONDS = 8 * 3600  # a working day; then log in again


class Auth:
    def __init__(self, sessions):
        with sessions.begin() as s:
            key = signing_key(s)
        self.sessions = URLSafeTimedSerializer(key, salt="yusuan-session")
        self.csrf = URLSafeTimedSerializer(key, salt="yusuan-csrf")

    # --- sessions -------------------------------------------------------------------------------

    def account(self, request: Request, s: Session) -> Account | None:
        raw = request.cookies.get(SESSION_COOKIE)
        if not raw:
            return None
        try:
            data = self.sessions.loads(raw, max_age=SESSION_SECONDS)
            account = s.get(Account, int(data["a"]))
        except (BadSignature, KeyError, TypeError, ValueError):
            return None
        if account is None or not account.active or account.epoch != data.get("e"):
            return None
        return account

    def log_in(self, response: Response, request: Request, account: Account) -> None:
        value = self.sessions.dumps({"a": account.id, "e": account.epoch})
        response.set_cookie(SESSION_COOKIE, value, max_age=SESSION_SECONDS, httponly=True, samesite="strict",
                            secure=request.url.scheme == "https", path="/")

    @staticmethod
    def log_out(response: Response) -> None:
        response.delete_cookie(SESSION_COOKIE, path="/")

    # --- CSRF -----------------------------------------------------------------------------------

    def token(self, request: Request) -> str:
        """The visitor's CSRF token (made on the first page that needs one; the middleware sets
        the cookie on the way out)."""
        token = getattr(request.state, "csrf", None)
        if token:
            return token
        raw = request.cookies.get(CSRF_COOKIE)
        if raw:
            try:
                token = self.csrf.loads(raw)
            except BadSignature:
                token = None
        if not token:
            token = secrets.token_urlsafe(32)
            request.state.new_csrf = True
        request.state.csrf = token
        return token

    def valid(self, request: Request, submitted: str | None) -> bool:
        raw = request.cookies.get(CSRF_COOKIE)
        if not raw or not submitted:
            return False
        try:
            expected = self.csrf.loads(raw)
        except BadSignature:
            return False
        return hmac.compare_digest(str(expected), str(submitted))

    def set_cookie(self, request: Request, response: Response) -> None:
        if getattr(request.state, "new_csrf", False):
            response.set_cookie(CSRF_COOKIE, self.csrf.dumps(request.state.csrf), httponly=True, samesite="strict",
                                secure=request.url.scheme == "https", path="/")


def address(request: Request) -> str:
    """The client's address as the server sees it (behind a reverse proxy, run uvicorn with
    --proxy-headers --forwarded-allow-ips so that this is the visitor and not the proxy)."""
    return request.client.host if request.client else ""

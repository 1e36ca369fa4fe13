"""Who may do what: every write of the workflow refuses a request without a session, with the
wrong role, or without the form's CSRF token; a publisher cannot reach another unit's draft;
passwords are stored as argon2 hashes only; logins are throttled per account and per address;
an admin's reset gives a temporary password that only lets its owner choose a new one, and
ends the owner's sessions; changing one's own password needs the current one, is throttled
like a login and ends the other sessions; the first admin is made from the command line; the
public pages stay public."""
from __future__ import annotations

import os
import subprocess
import sys

from sqlalchemy import text

from tests.web.workflow_fixtures import (PASSWORD, ROOT, SEED_BYTES, app_for, bureau, client_for, csrf_of,  # noqa: F401
                                         draft_id_of, login, upload, wf_url)


def _writes(draft: int, finding: int, version: int, account: int) -> list[tuple[str, dict, tuple[str, ...]]]:
    """Every write endpoint, its form, and the roles allowed to use it."""
    return [
        ("/admin/accounts", {"name": "x1", "password": PASSWORD, "role": "publisher"}, ("admin",)),
        (f"/admin/accounts/{account}/disable", {}, ("admin",)),
        ("/admin/units", {"name": "新单位"}, ("admin",)),
        ("/drafts/upload", {}, ("publisher",)),
        (f"/drafts/{draft}/findings/{finding}/explain", {"reason": "理由"}, ("reviewer",)),
        (f"/drafts/{draft}/return", {"comment": "意见"}, ("reviewer",)),
        (f"/drafts/{draft}/publish", {"over_unexplained": "1"}, ("reviewer",)),
        (f"/versions/{version}/withdraw", {"reason": "理由"}, ("reviewer",)),
        (f"/admin/accounts/{account}/reset-password", {}, ("admin",)),
        ("/account/password", {"current": PASSWORD, "new": "a new long password", "repeated": "a new long password"},
         ("admin", "publisher", "reviewer")),
    ]


def test_every_write_needs_session_role_and_csrf(bureau):
    app = app_for(bureau)
    clients = {role: login(app, name) for role, name in (("admin", "admin"), ("publisher", "pub"), ("reviewer", "rev"))}
    draft = draft_id_of(upload(clients["publisher"], ("budget.yaml", SEED_BYTES)))
    bureau.work()
    with bureau.sessions.begin() as s:
        s.execute(text("INSERT INTO wf_versions (unit_id, public_key, year, number, draft_id, published_by, published_at, "
                       "report_json, digest, origin, findings_json, unexplained, status, withdrawn_by, withdrawn_reason) "
                       "SELECT unit_id, 'k', 2024, 9, id, 'x', uploaded_at, '{}', '', '', '[]', 0, 'superseded', '', '' "
                       "FROM wf_drafts"))
        finding = s.execute(text("SELECT min(id) FROM wf_draft_findings")).scalar()
        version = s.execute(text("SELECT id FROM wf_versions")).scalar()
        account = s.execute(text("SELECT id FROM wf_accounts WHERE name = 'pub2'")).scalar()
        before = s.execute(text("SELECT count(*) FROM wf_audit")).scalar()

    anonymous = client_for(app)
    anonymous.csrf = csrf_of(anonymous.get("/login").text)
    files = {"files": ("budget.yaml", SEED_BYTES, "application/octet-stream")}
    for url, form, allowed in _writes(draft, finding, version, account):
        extra = {"files": files} if url == "/drafts/upload" else {}
        response = anonymous.post(url, data={**form, "csrf": anonymous.csrf}, **extra)
        assert response.status_code == 401, url
        for role, client in clients.items():
            response = client.post(url, data=form, **extra)  # no CSRF token
            assert response.status_code == 403, (url, role)
            response = client.post(url, data={**form, "csrf": "forged"}, **extra)
            assert response.status_code == 403, (url, role)
            if role not in allowed:
                response = client.post(url, data={**form, "csrf": client.csrf}, **extra)
                assert response.status_code == 403, (url, role)
    with bureau.sessions() as s:  # nothing was done: no new draft, explanation, version, account
        assert s.execute(text("SELECT count(*) FROM wf_drafts")).scalar() == 1
        assert s.execute(text("SELECT count(*) FROM wf_draft_findings WHERE explanation <> ''")).scalar() == 0
        assert s.execute(text("SELECT status FROM wf_drafts")).scalar() == "checked"
        assert s.execute(text("SELECT count(*) FROM wf_accounts WHERE active")).scalar() == 5
        assert s.execute(text("SELECT count(*) FROM wf_audit")).scalar() == before

    # A publisher of another unit cannot see the draft, its file or its findings.
    other = login(app, "pub2")
    for url in (f"/drafts/{draft}", f"/drafts/{draft}/file", f"/drafts/{draft}/findings.csv"):
        assert other.get(url).status_code == 404
    assert f"#{draft}" not in other.get("/drafts").text
    # A workflow page without a session leads to the login; the public pages stay open and read-only.
    assert anonymous.get("/drafts").headers["location"].startswith("/login?next=")
    assert anonymous.get("/").status_code == 200
    assert anonymous.get("/admin/audit").status_code == 303


def test_passwords_are_hashed_and_logins_throttled(bureau, wf_url):
    with bureau.sessions() as s:
        hashes = [h for (h,) in s.execute(text("SELECT password_hash FROM wf_accounts"))]
    assert all(h.startswith("$argon2id$") and PASSWORD not in h for h in hashes)
    if wf_url.startswith("sqlite:///"):
        bureau.engine.dispose()
        assert PASSWORD.encode() not in open(wf_url[len("sqlite:///"):], "rb").read()

    app = app_for(bureau)
    client = client_for(app)
    token = csrf_of(client.get("/login").text)
    for _ in range(5):
        assert client.post("/login", data={"name": "pub", "password": "wrong", "csrf": token}).status_code == 401
    # The right password, now too late: the account is throttled for a while.
    assert client.post("/login", data={"name": "pub", "password": PASSWORD, "csrf": token}).status_code == 429
    # Another account from the same address still logs in until the address has failed 20 times.
    assert client.post("/login", data={"name": "rev", "password": PASSWORD, "csrf": token}).status_code == 303
    for i in range(15):
        client.post("/login", data={"name": f"nobody{i}", "password": "x", "csrf": token})
    assert client.post("/login", data={"name": "rev2", "password": PASSWORD, "csrf": token}).status_code == 429
    # A login without its CSRF token is refused before any password is looked at.
    assert client_for(app).post("/login", data={"name": "rev2", "password": PASSWORD}).status_code == 403


def test_logout_ends_the_session_and_cookies_are_strict(bureau):
    app = app_for(bureau)
    client = client_for(app)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": "rev", "password": PASSWORD, "csrf": token})
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    client.csrf = token
    session_cookie = client.cookies.get("yusuan_session")
    assert client.get("/drafts").status_code == 200
    assert client.post("/logout", data={"csrf": token}).status_code == 303
    replay = client_for(app)  # the old cookie, replayed, no longer works
    replay.cookies.set("yusuan_session", session_cookie)
    assert replay.get("/drafts").status_code == 303


def test_create_user_from_the_command_line(wf_url, tmp_path):
    secret = tmp_path / "password"
    secret.write_text("an admin's long password\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "yusuan.cli", "admin", "create-user", "boss", "--role", "admin",
                           "--password-file", str(secret), "--db", wf_url], capture_output=True, text=True, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    bad = subprocess.run([sys.executable, "-m", "yusuan.cli", "admin", "create-user", "boss", "--role", "king",
                          "--password-file", str(secret), "--db", wf_url], capture_output=True, text=True, env=env,
                         timeout=120)
    assert bad.returncode == 2 and "admin, reviewer, publisher" in bad.stderr
    from yusuan.web.app import create_app

    os.environ["YUSUAN_WORKERS"] = "0"
    try:
        client = login(create_app(wf_url), "boss", "an admin's long password")
    finally:
        del os.environ["YUSUAN_WORKERS"]
    assert "账号与单位" in client.get("/admin").text

    # The last admin's forgotten password: reset from the command line, changed at the next login.
    reset = subprocess.run([sys.executable, "-m", "yusuan.cli", "admin", "reset-password", "boss", "--db", wf_url],
                           capture_output=True, text=True, env=env, timeout=120)
    assert reset.returncode == 0, reset.stderr
    temporary = reset.stdout.strip().rsplit(": ", 1)[1]
    assert client.get("/admin").status_code == 303  # the session ended
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": "boss", "password": temporary, "csrf": token})
    assert response.status_code == 303 and response.headers["location"] == "/account/password"


def _account_id(bureau, name: str) -> int:
    with bureau.sessions() as s:
        return s.execute(text("SELECT id FROM wf_accounts WHERE name = :n"), {"n": name}).scalar()


def _audit(bureau, action: str) -> list[tuple[str, str, str]]:
    with bureau.sessions() as s:
        return [tuple(r) for r in s.execute(text("SELECT account, target, outcome FROM wf_audit WHERE action = :a "
                                                 "ORDER BY id"), {"a": action})]


def test_an_admin_resets_a_password(bureau, wf_url):
    import re

    app = app_for(bureau)
    admin, pub = login(app, "admin"), login(app, "pub")
    assert pub.get("/drafts").status_code == 200
    page = admin.post(f"/admin/accounts/{_account_id(bureau, 'pub')}/reset-password", data={"csrf": admin.csrf})
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    temporary = re.search(r'<code id="temporary"[^>]*>([^<]+)</code>', page.text).group(1)
    assert len(temporary) >= 16
    assert ("admin", "pub", "ok") in _audit(bureau, "reset-password")
    # The publisher's session ended; the old password no longer opens the account.
    assert pub.get("/drafts").status_code == 303
    client = client_for(app)
    token = csrf_of(client.get("/login").text)
    assert client.post("/login", data={"name": "pub", "password": PASSWORD, "csrf": token}).status_code == 401
    # The temporary one leads only to the password form: every other page and write sends it there.
    response = client.post("/login", data={"name": "pub", "password": temporary, "csrf": token, "next": "/drafts"})
    assert response.status_code == 303 and response.headers["location"] == "/account/password"
    assert client.get("/drafts").headers["location"] == "/account/password"
    assert client.get("/workflow").headers["location"] == "/account/password"
    assert client.post("/drafts/upload", data={"csrf": token},
                       files={"files": ("b.yaml", SEED_BYTES, "application/octet-stream")}).status_code == 403
    assert "临时密码" in client.get("/account/password").text
    form = {"csrf": token, "current": temporary, "new": "pub's own new password", "repeated": "pub's own new password"}
    assert client.post("/account/password", data={**form, "repeated": "something else"}).status_code == 400
    assert client.post("/account/password", data={**form, "new": "short", "repeated": "short"}).status_code == 400
    assert client.post("/account/password", data=form).status_code == 303
    assert client.get("/drafts").status_code == 200  # this browser's new session
    with bureau.sessions() as s:
        row = s.execute(text("SELECT password_hash, must_change, temporary_until FROM wf_accounts WHERE name = 'pub'")).one()
    assert row[0].startswith("$argon2id$") and not row[1] and row[2] is None
    if wf_url.startswith("sqlite:///"):
        bureau.engine.dispose()
        database = open(wf_url[len("sqlite:///"):], "rb").read()
        assert temporary.encode() not in database and b"pub's own new password" not in database
    assert client.post("/login", data={"name": "pub", "password": temporary, "csrf": token}).status_code == 401
    assert login(app, "pub", "pub's own new password").get("/drafts").status_code == 200

    # Only for others, only by an admin, never an unknown account; refusals say why.
    me = _account_id(bureau, "admin")
    refused = admin.post(f"/admin/accounts/{me}/reset-password", data={"csrf": admin.csrf})
    assert refused.status_code == 303 and "%E4%BF%AE%E6%94%B9%E5%AF%86%E7%A0%81" in refused.headers["location"]
    assert "没有这个账号" in admin.get(admin.post("/admin/accounts/99999/reset-password",
                                                  data={"csrf": admin.csrf}).headers["location"]).text


def test_a_temporary_password_expires(bureau):
    app = app_for(bureau)
    admin = login(app, "admin")
    page = admin.post(f"/admin/accounts/{_account_id(bureau, 'rev')}/reset-password", data={"csrf": admin.csrf}).text
    import re

    temporary = re.search(r'<code id="temporary"[^>]*>([^<]+)</code>', page).group(1)
    with bureau.sessions.begin() as s:
        s.execute(text("UPDATE wf_accounts SET temporary_until = :t WHERE name = 'rev'"),
                  {"t": __import__("datetime").datetime(2020, 1, 1, tzinfo=__import__("datetime").timezone.utc)})
    client = client_for(app)
    token = csrf_of(client.get("/login").text)
    response = client.post("/login", data={"name": "rev", "password": temporary, "csrf": token})
    assert response.status_code == 401 and "临时密码已过期" in response.text


def test_changing_ones_password_needs_the_current_one_and_is_throttled(bureau):
    app = app_for(bureau)
    rev, elsewhere = login(app, "rev"), login(app, "rev")
    new = "the reviewer's new password"
    wrong = {"csrf": rev.csrf, "current": "not it at all", "new": new, "repeated": new}
    for _ in range(5):
        assert rev.post("/account/password", data=wrong).status_code == 401
    # The right current password, too late: changing is throttled as logging in is.
    right = {**wrong, "current": PASSWORD}
    assert rev.post("/account/password", data=right).status_code == 429
    assert [o for _, _, o in _audit(bureau, "change-password")] == ["refused"] * 6
    with bureau.sessions.begin() as s:
        s.execute(text("DELETE FROM wf_login_failures"))
    assert rev.post("/account/password", data=right).status_code == 303
    assert rev.get("/drafts").status_code == 200  # this browser stays logged in …
    assert elsewhere.get("/drafts").status_code == 303  # … every other session of the account ended
    assert ("rev", "rev", "ok") in _audit(bureau, "change-password")
    assert login(app, "rev", new).get("/drafts").status_code == 200


def test_admin_resets_are_throttled(bureau):
    app = app_for(bureau)
    admin = login(app, "admin")
    target = _account_id(bureau, "pub2")
    for _ in range(10):
        assert admin.post(f"/admin/accounts/{target}/reset-password", data={"csrf": admin.csrf}).status_code == 200
    refused = admin.post(f"/admin/accounts/{target}/reset-password", data={"csrf": admin.csrf})
    assert refused.status_code == 303 and "/admin?m=" in refused.headers["location"]
    assert len(_audit(bureau, "reset-password")) == 10

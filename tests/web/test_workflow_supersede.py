"""A unit's new draft supersedes its earlier drafts of the year still awaiting review
(docs/workflow.md), on SQLite and PostgreSQL: the older one is marked 已被新稿取代 with a link to
the latest, the review queue lists the latest draft of each unit and year (show=all lists
every one), explaining, returning or publishing a superseded draft is refused and sends the
reviewer to the latest, every supersession is in the audit log; a newer upload that cannot
be read supersedes nothing."""
from __future__ import annotations

import re

from sqlalchemy import text

from tests.web.workflow_fixtures import (FIXED_BYTES, SEED_BYTES, app_for, bureau, draft_id_of, login,  # noqa: F401
                                         upload, wf_url)


def status_of(bureau, draft: int) -> str:
    with bureau.sessions() as s:
        return s.execute(text("SELECT status FROM wf_drafts WHERE id = :i"), {"i": draft}).scalar()


def listed(client, query: str = "") -> list[int]:
    return [int(i) for i in re.findall(r'<tr data-draft="(\d+)">', client.get("/drafts" + query).text)]


def test_a_new_draft_supersedes_the_older_one(bureau):
    app = app_for(bureau)
    pub, rev, admin = login(app, "pub"), login(app, "rev"), login(app, "admin")
    first = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    bureau.work()
    page = rev.get(f"/drafts/{first}").text
    finding = int(re.search(r'id="finding-(\d+)"', page).group(1))
    second = draft_id_of(upload(pub, ("二稿.yaml", FIXED_BYTES)))
    assert status_of(bureau, first) == "checked"  # until the new draft is read, the old one is the open one
    bureau.work()
    assert status_of(bureau, first) == "superseded" and status_of(bureau, second) == "checked"

    # The old draft says so and links to the latest; its review forms are gone.
    page = rev.get(f"/drafts/{first}").text
    assert "已被新稿取代" in page and 'id="superseded"' in page and f'href="/drafts/{second}" id="latest-draft"' in page
    assert f'action="/drafts/{first}/publish"' not in page and "/explain" not in page

    # The queue lists the latest draft of the unit and year; show=all lists both.
    assert listed(rev) == [second] and listed(pub) == [second]
    assert "另有 1 份旧稿未列出" in rev.get("/drafts").text
    assert listed(rev, "?show=all") == [second, first]
    assert "已被新稿取代" in rev.get("/drafts?show=all").text

    # Publishing (even over the unexplained), explaining or returning the old one is refused,
    # and the reviewer is sent to the latest draft.
    for path, data in ((f"/drafts/{first}/publish", {"over_unexplained": "1"}),
                       (f"/drafts/{first}/findings/{finding}/explain", {"reason": "理由"}),
                       (f"/drafts/{first}/return", {"comment": "意见"})):
        response = rev.post(path, data={"csrf": rev.csrf, **data})
        assert response.status_code == 303 and response.headers["location"].startswith(f"/drafts/{second}?m="), path
        assert "已被新稿取代" in rev.get(response.headers["location"]).text
    assert status_of(bureau, first) == "superseded"
    with bureau.sessions() as s:
        assert s.execute(text("SELECT count(*) FROM wf_versions")).scalar() == 0
        assert s.execute(text("SELECT explanation FROM wf_draft_findings WHERE id = :i"), {"i": finding}).scalar() == ""

    # The latest is published as ever.
    response = rev.post(f"/drafts/{second}/publish", data={"csrf": rev.csrf, "over_unexplained": "1"})
    assert response.headers["location"].endswith("/v/1")

    # The audit log: the supersession (by the uploader of the newer draft) and the refusals.
    with bureau.sessions() as s:
        rows = s.execute(text("SELECT account, action, target, detail, outcome FROM wf_audit ORDER BY id")).all()
    supersede = [r for r in rows if r.action == "supersede"]
    assert len(supersede) == 1 and supersede[0].account == "pub" and supersede[0].outcome == "ok"
    assert supersede[0].target.startswith(f"草稿 #{first} ") and f"新稿 #{second}" in supersede[0].detail
    refused = [r for r in rows if r.outcome == "refused" and r.target == f"草稿 #{first}"]
    assert [r.action for r in refused] == ["publish", "review", "review"]
    assert all("已被新稿取代" in r.detail for r in refused)
    log = admin.get("/admin/audit").text
    assert "<td>supersede</td>" in log and f"新稿 #{second}" in log


def test_a_broken_newer_upload_leaves_the_older_one_open(bureau):
    app = app_for(bureau)
    pub, rev = login(app, "pub"), login(app, "rev")
    first = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    bureau.work()
    broken = draft_id_of(upload(pub, ("budget.yaml", b"unit: [not closed\n")))
    bureau.work()
    assert status_of(bureau, broken) == "refused" and status_of(bureau, first) == "checked"
    assert listed(pub) == [broken, first]  # the refusal (no unit, no year) listed beside the open draft
    assert listed(rev) == [first]
    with bureau.sessions() as s:
        assert s.execute(text("SELECT count(*) FROM wf_audit WHERE action = 'supersede'")).scalar() == 0
    response = rev.post(f"/drafts/{first}/publish", data={"csrf": rev.csrf, "over_unexplained": "1"})
    assert response.headers["location"].endswith("/v/1")


def test_an_older_draft_read_after_a_newer_one_is_superseded_at_once(bureau):
    """Two workers: the newer upload read first. The older, read later, never becomes the open one."""
    app = app_for(bureau)
    pub, rev = login(app, "pub"), login(app, "rev")
    response = upload(pub, ("一稿.yaml", SEED_BYTES), ("二稿.yaml", FIXED_BYTES))
    with bureau.sessions() as s:
        first, second = s.execute(text("SELECT id FROM wf_drafts ORDER BY id")).scalars().all()
    assert response.status_code == 303
    with bureau.sessions.begin() as s:  # the first's job held back while the second's is done
        s.execute(text("UPDATE wf_jobs SET status = 'held' WHERE draft_id = :i"), {"i": first})
    bureau.work()
    with bureau.sessions.begin() as s:
        s.execute(text("UPDATE wf_jobs SET status = 'queued' WHERE draft_id = :i"), {"i": first})
    bureau.work()
    assert status_of(bureau, first) == "superseded" and status_of(bureau, second) == "checked"
    assert listed(rev) == [second]
    page = rev.get(f"/drafts/{first}").text
    assert f'href="/drafts/{second}" id="latest-draft"' in page

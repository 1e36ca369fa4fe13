"""The finance bureau's workflow through its pages (TestClient), on SQLite and PostgreSQL:
upload → background check → review (explain, send back) → publish versions that never change →
withdraw; what changed between two drafts; the audit log; CSV of the findings."""
from __future__ import annotations

import csv
import hashlib
import io
import re

from sqlalchemy import select, text

from tests.web.workflow_fixtures import (FIXED_BYTES, SEED, SEED_BYTES, SEED_NAME, app_for, bureau, draft_id_of,  # noqa: F401
                                         login, upload, wf_url)


def finding_ids(html: str, rule: str, severity: str | None = None) -> list[int]:
    rows = re.findall(r'<tr class="(\w+)" id="finding-(\d+)" data-rule="([^"]+)"', html)
    return [int(i) for sev, i, r in rows if r == rule and (severity is None or sev == severity)]


def blocking_ids(html: str) -> list[int]:
    return [int(i) for sev, i, _ in re.findall(r'<tr class="(\w+)" id="finding-(\d+)" data-rule="([^"]+)"', html)
            if sev in ("error", "warning")]


def explain(client, draft: int, finding: int, reason: str = "项目总投资跨年度，年度资金为当年安排"):
    return client.post(f"/drafts/{draft}/findings/{finding}/explain", data={"csrf": client.csrf, "reason": reason})


def test_upload_check_review_publish_correct_withdraw(bureau):
    app = app_for(bureau)
    pub, rev, admin = login(app, "pub"), login(app, "rev"), login(app, "admin")

    # The publisher uploads the seed; it waits for a worker, and the page says so.
    response = upload(pub, ("budget.yaml", SEED_BYTES))
    assert response.status_code == 303
    draft = draft_id_of(response)
    page = pub.get(f"/drafts/{draft}").text
    assert "排队中" in page and 'http-equiv="refresh"' in page
    assert bureau.work() == 1

    # Checked: the report in its layout, the findings linked to their cells, P.cost errors among them.
    page = pub.get(f"/drafts/{draft}").text
    assert "待审核" in page and "预算公开表1" in page
    assert finding_ids(page, "P.cost", "error") and 'class="cell-link"' in page
    assert 'action="/drafts/%d/publish"' % draft not in page  # a publisher does not publish

    # The reviewer of the region sees it; one of another region does not (404, not 403: not said to exist).
    page = rev.get(f"/drafts/{draft}").text
    assert f"/drafts/{draft}/publish" in page
    assert login(app, "rev2").get(f"/drafts/{draft}").status_code == 404

    # Publishing with findings unexplained is refused unless the reviewer says so knowingly.
    response = rev.post(f"/drafts/{draft}/publish", data={"csrf": rev.csrf})
    assert response.status_code == 303 and "未说明" in rev.get(response.headers["location"]).text
    for finding in blocking_ids(page):
        assert explain(rev, draft, finding).status_code == 303
    page = rev.get(f"/drafts/{draft}").text
    assert page.count('class="explained"') == len(blocking_ids(page))

    # Findings as CSV, explanations included.
    rows = list(csv.reader(io.StringIO(rev.get(f"/drafts/{draft}/findings.csv").content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["级别", "规则", "位置"] and any(r[1] == "P.cost" and r[8] for r in rows[1:])

    response = rev.post(f"/drafts/{draft}/publish", data={"csrf": rev.csrf})
    assert response.status_code == 303 and "/v/1" in response.headers["location"]
    version_url = response.headers["location"]
    key = version_url.split("/")[2]

    # The public page says which version, by whom; the version page keeps the file byte for byte.
    public = pub.get(f"/unit/{key}/2024").text
    assert "版本1" in public and "rev 于" in public and "6640.71" in public
    version = pub.get(version_url).text
    digest = hashlib.sha256(SEED_BYTES).hexdigest()
    assert digest in version
    file_url = re.search(r'href="(/unit/[^"]+/v/1/file/\d+)"', version).group(1)
    assert pub.get(file_url).content == SEED_BYTES

    # A correction: a new draft, version 2; version 1 stays readable, marked as corrected.
    draft2 = draft_id_of(upload(pub, ("budget.yaml", FIXED_BYTES)))
    bureau.work()
    page = rev.get(f"/drafts/{draft2}").text
    assert "消除 1 条" in page and "新增 0 条" in page  # the fixed P.cost error is gone
    assert rev.post(f"/drafts/{draft2}/publish", data={"csrf": rev.csrf}).headers["location"].endswith("/v/2")
    assert "已被更正" in pub.get(version_url).text
    assert pub.get(file_url).content == SEED_BYTES
    assert "版本2" in pub.get(f"/unit/{key}/2024").text

    # Withdrawing needs a reason, keeps the record, and the public page falls back to version 1.
    v2 = bureau.sessions().execute(text("SELECT id FROM wf_versions WHERE number = 2")).scalar()
    assert rev.post(f"/versions/{v2}/withdraw", data={"csrf": rev.csrf, "reason": " "}).status_code == 400
    assert rev.post(f"/versions/{v2}/withdraw", data={"csrf": rev.csrf, "reason": "金额有误"}).status_code == 303
    page = pub.get(f"/unit/{key}/2024/v/2").text
    assert "已撤回" in page and "金额有误" in page
    assert "版本1" in pub.get(f"/unit/{key}/2024").text
    versions = pub.get(f"/unit/{key}/2024/versions").text
    assert versions.count("/v/") >= 2 and "已撤回" in versions

    # The audit log: who, what, when, from where — for admins only.
    log = admin.get("/admin/audit").text
    for action in ("upload", "explain", "publish", "withdraw", "login"):
        assert f"<td>{action}</td>" in log
    assert "testclient" in log  # the address the requests came from
    assert pub.get("/admin/audit").status_code == 403


def test_explanations_carry_over_and_return(bureau):
    app = app_for(bureau)
    pub, rev = login(app, "pub"), login(app, "rev")
    first = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    bureau.work()
    page = rev.get(f"/drafts/{first}").text
    warning = finding_ids(page, "P.count")[0]
    explain(rev, first, warning, "项目数以预算批复为准")
    assert rev.post(f"/drafts/{first}/return", data={"csrf": rev.csrf, "comment": ""}).status_code == 303
    assert "已退回" not in rev.get(f"/drafts/{first}").text  # a comment is required
    rev.post(f"/drafts/{first}/return", data={"csrf": rev.csrf, "comment": "请核对渔泽项目的成本指标"})
    assert "请核对渔泽项目的成本指标" in pub.get(f"/drafts/{first}").text

    second = draft_id_of(upload(pub, ("budget.yaml", FIXED_BYTES)))
    bureau.work()
    page = rev.get(f"/drafts/{second}").text
    assert f'/drafts/{first}"' in page and "消除 1 条" in page
    assert "项目数以预算批复为准" in page  # the same finding, explained last time, still explained
    # The returned draft cannot be published any more.
    response = rev.post(f"/drafts/{first}/publish", data={"csrf": rev.csrf, "over_unexplained": "1"})
    assert "只有待审核的草稿可以发布" in rev.get(response.headers["location"]).text


def _xml_bomb() -> bytes:
    """A workbook whose XML declares nested entities (a billion laughs, were it expanded)."""
    import zipfile

    laughs = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>' \
             '<workbook>&lol2;</workbook>'
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", laughs)
    return out.getvalue()


def test_several_files_at_once_and_refusals(bureau, monkeypatch):
    app = app_for(bureau)
    pub = login(app, "pub")
    other_unit = SEED_BYTES.replace(f"name: {SEED_NAME}".encode(), "name: 某某局".encode(), 1)
    response = upload(pub, ("budget.yaml", SEED_BYTES), ("broken.xlsx", b"PK\x03\x04 not a workbook"),
                      ("report.pdf", b"%PDF-1.4 nothing"), ("other.yaml", other_unit), ("bad.json", b"{\"schema\": 1"),
                      ("bomb.xlsx", _xml_bomb()))
    assert response.status_code == 303 and response.headers["location"].startswith("/drafts?upload=")
    assert bureau.work() == 6
    with bureau.sessions() as s:
        rows = dict(s.execute(text("SELECT filename, status FROM wf_drafts")).all())
        messages = dict(s.execute(text("SELECT filename, message FROM wf_drafts")).all())
    assert rows == {"budget.yaml": "checked", "broken.xlsx": "refused", "report.pdf": "refused",
                    "other.yaml": "refused", "bad.json": "refused", "bomb.xlsx": "refused"}
    assert "DTD" in messages["bomb.xlsx"]  # the workbook reader's guard against entity expansion
    assert "某某局" in messages["other.yaml"] and "不是你负责的单位" in messages["other.yaml"]
    assert messages["bad.json"].startswith("bad.json:1:") and "not JSON" in messages["bad.json"]
    assert messages["broken.xlsx"].startswith("broken.xlsx") and "/tmp" not in messages["broken.xlsx"]
    page = pub.get("/drafts").text
    assert page.count("未能读取") == 5

    # Not a kind of file we read; too big.
    assert upload(pub, ("x.exe", b"MZ")).status_code == 400
    monkeypatch.setenv("YUSUAN_MAX_UPLOAD_BYTES", "1000")
    assert upload(pub, ("budget.yaml", SEED_BYTES)).status_code == 413


def test_published_files_never_change(bureau):
    app = app_for(bureau)
    pub, rev = login(app, "pub"), login(app, "rev")
    draft = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    bureau.work()
    rev.post(f"/drafts/{draft}/publish", data={"csrf": rev.csrf, "over_unexplained": "1"})
    import pytest
    from sqlalchemy.exc import DatabaseError

    for statement in ("UPDATE wf_version_files SET content = :x", "DELETE FROM wf_version_files",
                      "UPDATE wf_versions SET report_json = 'x'", "DELETE FROM wf_versions",
                      "UPDATE wf_audit SET detail = 'x'"):
        with pytest.raises(DatabaseError):
            with bureau.sessions.begin() as s:
                s.execute(text(statement), {"x": b"changed"})
    with bureau.sessions() as s:
        assert s.execute(text("SELECT content FROM wf_version_files")).scalar() == SEED_BYTES
        assert s.execute(text("SELECT unexplained FROM wf_versions")).scalar() > 0  # published knowingly over them
    # The status of a version may change (withdrawn), its content may not.
    with bureau.sessions.begin() as s:
        s.execute(text("UPDATE wf_versions SET status = 'superseded'"))


def test_a_published_pdf_shows_the_page_of_each_finding(bureau):
    from yusuan.catalog import Catalog
    from yusuan.render import Rendering, renderers
    from yusuan.store.ingest import read_input
    from yusuan.templates import load

    # The seed as the unit would publish it: our PDF of it, read back by the PDF reader.
    report, budget, _ = read_input(SEED)
    pdf = renderers()["pdf"].render(Rendering(report, load(report.template, report.year), Catalog.default(), budget))
    app = app_for(bureau)
    pub = login(app, "pub")
    draft = draft_id_of(upload(pub, ("报告.pdf", pdf)))
    bureau.work()
    page = pub.get(f"/drafts/{draft}").text
    assert "待审核" in page and finding_ids(page, "P.cost", "error")
    assert re.search(r'<span class="page-no">第\d+页 框出</span>', page)  # boxed on its page (test_workflow_pages.py)
    rows = list(csv.reader(io.StringIO(pub.get(f"/drafts/{draft}/findings.csv").content.decode("utf-8-sig"))))
    assert any(r[1] == "P.cost" and r[3].startswith("第") for r in rows[1:])

"""The bureau's workflow in a real browser (Playwright on Debian's Chromium), against a live
server whose own worker thread checks the upload: a publisher logs in and uploads the seed's
budget; a reviewer logs in, sees the P.cost errors linked to their tables, explains one,
publishes; the public page shows version 1.

The acceptance test of issue 15: a publisher uploads a folder holding the seed's budget.xlsx
with one amount broken, sees that finding boxed on the page that prints it, fixes it, uploads
again and sees the finding gone; a reviewer explains the remaining errors and warnings and
publishes; the public page shows version 1; a second publication makes version 2 while
version 1 stays readable.

YUSUAN_SCREENSHOTS=1 writes docs/images/workflow-*.png."""
from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from tests.web.test_browser import browser  # noqa: F401 — the module's Chromium
from tests.web.workflow_fixtures import BROKEN_COST, PASSWORD, ROOT, SEED, Bureau, seed_xlsx

SHOTS = ROOT / "docs" / "images"


def _live(tmp_path_factory, name: str):
    """A live portal on its own database, with one worker thread of its own; yields its URL."""
    import uvicorn

    from yusuan.web.app import create_app

    bureau = Bureau(f"sqlite:///{tmp_path_factory.mktemp(name) / 'portal.db'}")
    os.environ["YUSUAN_WORKERS"] = "1"
    try:
        app = create_app(bureau.url)
    finally:
        del os.environ["YUSUAN_WORKERS"]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the portal did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    bureau.engine.dispose()


@pytest.fixture(scope="module")
def workflow_server(tmp_path_factory):
    yield from _live(tmp_path_factory, "wf-live")


@pytest.fixture(scope="module")
def acceptance_server(tmp_path_factory):
    yield from _live(tmp_path_factory, "wf-acceptance")


def shoot(page, name: str, locator=None) -> None:
    if os.environ.get("YUSUAN_SCREENSHOTS"):
        page.mouse.move(0, 0)  # no hover highlight in the picture
        (locator or page).screenshot(path=str(SHOTS / f"workflow-{name}.png"))


def log_in(page, base: str, name: str) -> None:
    page.goto(base + "/workflow")
    page.fill('#login-form input[name="name"]', name)
    page.fill('#login-form input[name="password"]', PASSWORD)
    page.click('#login-form button[type="submit"]')
    page.wait_for_selector("#wf-bar")


def test_publisher_uploads_reviewer_explains_and_publishes(browser, workflow_server):  # noqa: F811
    base = workflow_server
    page = browser.new_page(viewport={"width": 1200, "height": 820})
    page.set_default_timeout(30000)

    log_in(page, base, "pub")
    page.set_input_files('#upload input[name="files"]', str(SEED))
    page.click('#upload button[type="submit"]')
    page.wait_for_selector("#draft-title")
    # The worker thread reads and checks it; the page refreshes itself until it is done.
    page.wait_for_selector("#draft-status.checked", timeout=60000)
    shoot(page, "draft")
    page.click('#wf-bar button[type="submit"]')  # log out
    page.wait_for_url(base + "/")

    log_in(page, base, "rev")
    page.click("#drafts tbody tr a")
    errors = page.locator('#findings-table tr.error[data-rule="P.cost"]')
    assert errors.count() == 2
    # A performance-target finding links to its project's table.
    target = errors.first.locator("a.cell-link").get_attribute("data-target")
    assert target.startswith("table-perf-")
    errors.first.locator("a.cell-link").click()
    assert page.locator(f"#{target}").is_visible()

    errors.first.locator('input[name="reason"]').fill("工程跨年度实施，年度资金为本年安排数")
    errors.first.locator('button[type="submit"]').click()
    page.wait_for_selector("#wf-msg")
    assert "已说明" in page.locator('#findings-table tr.error[data-rule="P.cost"]').first.inner_text()
    page.evaluate("document.getElementById('findings').scrollIntoView()")
    shoot(page, "review")

    page.check('#publish-form input[name="over_unexplained"]')
    page.click('#publish-form button[type="submit"]')
    page.wait_for_selector("#version-title")
    assert "版本1" in page.inner_text("#version-title")
    assert "工程跨年度实施" in page.inner_text("#findings")

    page.click("text=现行公开页面")
    page.wait_for_selector("#unit-name")
    assert "版本1" in page.inner_text("#versions") and "rev" in page.inner_text("#versions")
    assert "6640.71" in page.locator("#table-1 table.grid tbody tr", has_text="收入总计").inner_text()
    shoot(page, "public")
    page.close()


def log_out(page, base: str) -> None:
    page.goto(base + "/drafts")
    page.click('#wf-bar button[type="submit"]')
    page.wait_for_url(base + "/")


def _explain_all(page, reason: str) -> int:
    """Explain every error and warning not explained yet, one form after the other."""
    done = 0
    while True:
        rows = page.locator("#findings-table tr.error, #findings-table tr.warning")
        open_rows = [rows.nth(i) for i in range(rows.count()) if "已说明" not in rows.nth(i).inner_text()]
        if not open_rows:
            return done
        open_rows[0].locator('input[name="reason"]').fill(reason)
        open_rows[0].locator('button[type="submit"]').click()
        page.wait_for_selector("#wf-msg")
        done += 1


def test_acceptance_boxed_fixed_explained_published_twice(browser, acceptance_server, tmp_path):  # noqa: F811
    base = acceptance_server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.set_default_timeout(60000)
    folder = tmp_path / "屯留分局"
    folder.mkdir()
    (folder / "budget.xlsx").write_bytes(seed_xlsx(BROKEN_COST))
    (folder / "说明.docx").write_bytes(b"PK not read")
    fixed = tmp_path / "budget.xlsx"
    fixed.write_bytes(seed_xlsx())

    # The publisher uploads the folder: its budget becomes a draft, the stray file is named.
    log_in(page, base, "pub")
    page.set_input_files('#upload input[name="folder"]', str(folder))
    page.click('#upload button[type="submit"]')
    page.wait_for_selector("#draft-title")
    assert "说明.docx" in page.inner_text("#wf-msg")
    page.wait_for_selector("#draft-status.checked")
    # Its pages are drawn next (our PDF of the budget); the page shows them when they are.
    page.wait_for_selector("#pages .wf-box", timeout=120000)
    broken = page.locator("#findings-table tr.error", has_text=BROKEN_COST.replace("万元", ""))
    assert broken.count() == 1
    link = broken.locator("a.box-link")
    box_id = link.get_attribute("data-box")
    number = int(link.inner_text().split("第", 1)[1].split("页", 1)[0])
    link.click()
    box = page.locator(f"#{box_id}")
    assert box.is_visible()
    # On the page that prints it, inside that page's image, around the words of the indicator.
    assert page.locator(f"#page-{number} #{box_id}").count() == 1
    image = page.locator(f"#page-{number} img").bounding_box()
    drawn = box.bounding_box()
    assert image["x"] <= drawn["x"] and drawn["x"] + drawn["width"] <= image["x"] + image["width"] + 1
    assert image["y"] <= drawn["y"] and drawn["y"] + drawn["height"] <= image["y"] + image["height"] + 1
    assert 3 < drawn["height"] < 80 and drawn["width"] > 100
    # The box leads back to the finding in the list.
    box.click()
    assert page.evaluate("location.hash") == "#" + broken.get_attribute("id")
    page.evaluate(f"document.getElementById('{box_id}').scrollIntoView({{block: 'center'}})")
    page.wait_for_function(f"document.querySelector('#page-{number} img').complete && "
                           f"document.querySelector('#page-{number} img').naturalWidth > 0")
    shoot(page, "boxed")

    # Fixed and uploaded again: the finding is gone, the page says so.
    page.goto(base + "/drafts")
    page.set_input_files('#upload input[name="files"]', str(fixed))
    page.click('#upload button[type="submit"]')
    page.wait_for_selector("#draft-status.checked")
    assert page.locator("#findings-table tr", has_text=BROKEN_COST.replace("万元", "")).count() == 0
    gone = page.inner_text("#changes")
    assert "消除 1 条" in gone and BROKEN_COST in gone
    page.evaluate("document.getElementById('findings').scrollIntoView()")
    shoot(page, "fixed")
    log_out(page, base)

    # The reviewer explains what remains (the seed's own 2 errors and 4 warnings) and publishes.
    log_in(page, base, "rev")
    page.click("#drafts tbody tr a")  # the latest draft first
    assert _explain_all(page, "经核实，绩效目标按项目批复填列") == 6
    assert "所有错误和警告均已说明" in page.inner_text("#review")
    page.click('#publish-form button[type="submit"]')
    page.wait_for_selector("#version-title")
    assert "版本1" in page.inner_text("#version-title")
    version_1 = page.url
    page.click("text=现行公开页面")
    page.wait_for_selector("#unit-name")
    assert "版本1" in page.inner_text("#versions")
    assert "6640.71" in page.locator("#table-1 table.grid tbody tr", has_text="收入总计").inner_text()
    log_out(page, base)

    # A second publication (a correction): version 2, version 1 still readable.
    log_in(page, base, "pub")
    page.set_input_files('#upload input[name="files"]', str(fixed))
    page.click('#upload button[type="submit"]')
    page.wait_for_selector("#draft-status.checked")
    log_out(page, base)
    log_in(page, base, "rev")
    page.click("#drafts tbody tr a")
    assert _explain_all(page, "同上") == 0  # the explanations carried over from the last draft
    page.click('#publish-form button[type="submit"]')
    page.wait_for_selector("#version-title")
    assert "版本2" in page.inner_text("#version-title")
    page.click("text=现行公开页面")
    page.wait_for_selector("#unit-name")
    assert "版本2" in page.inner_text("#versions") and "全部 2 个版本" in page.inner_text("#versions")
    page.click("#versions >> text=全部 2 个版本")
    page.wait_for_selector("table#versions")
    versions = page.inner_text("table#versions")
    assert "版本2" in versions and "版本1" in versions and "已被更正" in versions
    shoot(page, "versions")
    page.goto(version_1)
    assert "版本1" in page.inner_text("#version-title")
    assert "经核实" in page.inner_text("#findings")
    shoot(page, "version-1")
    log_out(page, base)

    # A county's folder at once: a draft per file, the upload's progress on the page.
    county = tmp_path / "屯留县"
    for unit in ("公安分局", "公安分局-二稿", "公安分局-三稿"):
        (county / unit).mkdir(parents=True)
        (county / unit / "budget.xlsx").write_bytes(fixed.read_bytes())
    log_in(page, base, "pub")
    page.set_input_files('#upload input[name="folder"]', str(county))
    page.click('#upload button[type="submit"]')
    page.wait_for_selector("#uploads .wf-progress")
    latest = page.locator("#uploads .wf-progress").first  # the newest upload first
    assert "/ 3" in latest.inner_text()
    # refreshed in place (no reload) until the three are checked
    page.wait_for_function("document.querySelector('#uploads .wf-progress .count').innerText.includes('完成')")
    assert "已检查 3 / 3" in latest.inner_text()
    shoot(page, "drafts")
    # three drafts of one unit and year: the newest is the one to review, the two before it
    # superseded; the list shows the newest only unless asked for all
    page.goto(base + "/drafts?show=all")
    assert page.locator("#drafts tbody tr", has_text="屯留县/").count() == 3
    assert page.locator("#drafts tbody tr", has_text="屯留县/").filter(has_text="已被新稿取代").count() == 2
    page.goto(base + "/drafts")
    assert page.locator("#drafts tbody tr", has_text="屯留县/").count() == 1
    page.close()

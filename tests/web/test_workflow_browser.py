"""The bureau's workflow in a real browser (Playwright on Debian's Chromium), against a live
server whose own worker thread checks the upload: a publisher logs in and uploads the seed's
budget; a reviewer logs in, sees the P.cost errors linked to their tables, explains one,
publishes; the public page shows version 1.

YUSUAN_SCREENSHOTS=1 writes docs/images/workflow-*.png."""
from __future__ import annotations

import os
import socket
import threading
import time

import pytest

from tests.web.test_browser import browser  # noqa: F401 — the module's Chromium
from tests.web.workflow_fixtures import PASSWORD, ROOT, SEED, Bureau

SHOTS = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def workflow_server(tmp_path_factory):
    import uvicorn

    from yusuan.web.app import create_app

    bureau = Bureau(f"sqlite:///{tmp_path_factory.mktemp('wf-live') / 'portal.db'}")
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


def shoot(page, name: str) -> None:
    if os.environ.get("YUSUAN_SCREENSHOTS"):
        page.screenshot(path=str(SHOTS / f"workflow-{name}.png"))


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

"""The portal as a citizen uses it: Playwright driving Debian's Chromium against a live server.

Set YUSUAN_SCREENSHOTS=1 to write the README's screenshots (docs/images/portal-*.png)."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import pytest

from tests.web.conftest import GENERATED_KEY, ROOT

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run"]
SHOTS = ROOT / "docs" / "images"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        message = f"{CHROMIUM} is not installed (scripts/install-debian-packages.sh tests installs chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    playwright_api = pytest.importorskip("playwright.sync_api")
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def shoot(page, name: str, locator=None) -> None:
    if os.environ.get("YUSUAN_SCREENSHOTS"):
        page.mouse.move(0, 0)  # no hover label over the picture
        page.wait_for_timeout(1200)  # plotly's zoom transition done
        (locator or page).screenshot(path=str(SHOTS / f"portal-{name}.png"))


def grid_rows(page, table_id: str) -> list[list[str]]:
    """The body rows of an official table as the page shows them, a merged cell's text first and
    blanks for the columns it covers (as the CSV writes it)."""
    return page.evaluate("""(id) => Array.from(document.querySelectorAll('#table-' + id + ' table.grid > tbody > tr'))
        .map(tr => Array.from(tr.children).flatMap(td => [td.textContent.trim()].concat(Array(td.colSpan - 1).fill(''))))""",
                         table_id)


def test_a_citizen_finds_reads_charts_downloads_and_compares(browser, live_server, tmp_path):
    page = browser.new_page(viewport={"width": 1200, "height": 820}, accept_downloads=True)
    page.set_default_timeout(20000)
    page.goto(live_server + "/")
    shoot(page, "home")
    page.fill('header form.search input[name="q"]', "屯留")
    page.press('header form.search input[name="q"]', "Enter")
    page.wait_for_url("**/search?q=*")
    page.click("ol.hits li.unit a")
    page.wait_for_selector("#unit-name")
    assert "长治市公安局屯留分局" in page.inner_text("#unit-name")

    total = page.locator("#table-1 table.grid tbody tr", has_text="收入总计")
    assert "6640.71" in total.inner_text()

    # The treemap drills down on click: 类 at first, the 款 of a 类 once it is clicked.
    chart = page.locator('#chart-function [data-chart]')
    page.wait_for_selector('#chart-function [data-ready="1"] g.slice')
    assert chart.locator("g.slice", has_text="20402 公安").count() == 0
    page.evaluate("window.scrollTo(0, 0)")
    shoot(page, "unit")
    chart.locator("g.slice", has_text="204 公共安全支出").first.click()
    page.wait_for_function("""() => Array.from(document.querySelectorAll('#chart-function g.slice'))
        .some(g => g.textContent.includes('20402 公安'))""")
    shoot(page, "chart", page.locator("#chart-function"))

    # 表3 as CSV is the table on the page.
    with page.expect_download() as download:
        page.click('.downloads a[href$="/table/3.csv"]')
    path = tmp_path / "table3.csv"
    download.value.save_as(path)
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    shown = grid_rows(page, "3")
    assert rows[-len(shown):] == shown and len(shown) > 10
    assert rows[1] == [page.inner_text("#table-3 .title")]

    # A finding's link takes the reader to its cell.
    link = page.locator("a.cell-link").first
    target = link.get_attribute("data-target")
    link.click()
    assert "flagged" in page.locator(f"#{target}").get_attribute("class")

    # Two generated years of one unit, cell by cell.
    page.goto(f"{live_server}/unit/{GENERATED_KEY}/2024")
    # 三公 and 机关运行经费 over the unit's two years: one bar group per year
    page.wait_for_selector('#chart-operating [data-ready="1"] g.trace.bars')
    assert page.locator('#chart-operating g.xtick').count() == 2
    page.wait_for_selector('#chart-three-public [data-ready="1"] g.trace.bars', state="attached")
    shoot(page, "three-public", page.locator("#chart-three-public"))
    shoot(page, "operating", page.locator("#chart-operating"))
    # the department page consolidates the unit with its neighbours, each linked
    page.click("a.department")
    page.wait_for_selector("#department-tables table.grid")
    assert page.locator(f'#department-units a[href="/unit/{GENERATED_KEY}/2024"]').count() == 1
    shoot(page, "department")
    page.go_back()
    page.click("a.compare")
    page.wait_for_selector("section.compare-table")
    assert "增减%" in page.inner_text("section.compare-table >> nth=0")
    shoot(page, "compare")
    page.close()


def test_a_markup_name_runs_nothing(browser, live_server):
    page = browser.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(f"{live_server}/unit/X-SCRIPT/2024")
    page.goto(f"{live_server}/search?q=script")
    page.goto(f"{live_server}/")
    assert dialogs == []
    assert "<script>alert(1)</script>" in page.inner_text("body")
    page.close()

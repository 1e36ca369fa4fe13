"""The draft's PDF on the review page, page by page: PNG images drawn by PDFium in the readers'
child process (a page limit, a bounded scale), each finding boxed where it is on its page and
listed beside it, box and list linked both ways. An uploaded PDF shows its own pages; a budget
draft (no pages of its own) the pages of our PDF of it, rendered by the worker."""
from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from tests.web.workflow_fixtures import SEED, app_for, bureau, draft_id_of, login, upload, wf_url  # noqa: F401


@pytest.fixture(scope="module")
def seed_pdf() -> bytes:
    from yusuan.catalog import Catalog
    from yusuan.render import Rendering, renderers
    from yusuan.store.ingest import read_input
    from yusuan.templates import load

    # The seed as the unit would publish it: our PDF of it.
    report, budget, _ = read_input(SEED)
    return renderers()["pdf"].render(Rendering(report, load(report.template, report.year), Catalog.default(), budget))


def test_pages_beside_their_findings(bureau, seed_pdf, monkeypatch):
    monkeypatch.setenv("YUSUAN_REVIEW_MAX_PAGES", "40")
    app = app_for(bureau)
    pub = login(app, "pub")
    draft = draft_id_of(upload(pub, ("报告.pdf", seed_pdf)))
    bureau.work()
    page = pub.get(f"/drafts/{draft}").text
    pages = [int(n) for n in re.findall(r'<div class="wf-page" id="page-(\d+)">', page)]
    assert pages and pages == list(range(1, len(pages) + 1))

    # Each finding is boxed on its page: its row links to the box, the box back to the row,
    # and the page's list names it too.
    rows = re.findall(r'<tr class="(\w+)" id="finding-(\d+)"', page)
    links = dict(re.findall(r'id="finding-(\d+)".*?<a class="page-no box-link" href="#box-\1-0"', page, re.S) and
                 [(f, f) for f in re.findall(r'href="#box-(\d+)-0"', page)])
    assert len(links) >= len([r for r in rows if r[0] == "error"]) and len(links) >= len(rows) // 2
    for finding in links:
        box = re.search(rf'<a class="wf-box (\w+)" id="box-{finding}-0" href="#finding-{finding}"', page)
        assert box, finding
        number = page[:box.start()].rsplit('<div class="wf-page" id="page-', 1)[1].split('"', 1)[0]
        block = page.split(f'<div class="wf-page" id="page-{number}">', 1)[1].split('<div class="wf-page"', 1)[0]
        assert f'href="#finding-{finding}"' in block.split('class="wf-page-findings"', 1)[1]
    assert "P.cost" in "".join(page.split('id="pages"', 1)[1].split('id="report"', 1)[0])
    links = [(f, page[:page.index(f'id="box-{f}-0"')].rsplit('<div class="wf-page" id="page-', 1)[1].split('"', 1)[0])
             for f in links]

    # The images: PNG, A4 at the default scale 1.5 (595×842 pt → 893×1263 px).
    response = pub.get(f"/drafts/{draft}/pages/{links[0][1]}.png")
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and abs(image.size[0] - 893) <= 2 and abs(image.size[1] - 1263) <= 2

    # Past the last page, page 0, another unit's publisher: nothing.
    assert pub.get(f"/drafts/{draft}/pages/{len(pages) + 1}.png").status_code == 404
    assert pub.get(f"/drafts/{draft}/pages/0.png").status_code == 404
    assert login(app, "pub2").get(f"/drafts/{draft}/pages/1.png").status_code == 404


def test_page_limit_and_scale_bound(bureau, seed_pdf, monkeypatch):
    monkeypatch.setenv("YUSUAN_REVIEW_MAX_PAGES", "2")
    monkeypatch.setenv("YUSUAN_REVIEW_PAGE_SCALE", "50")  # asked for far too much: held at 3
    app = app_for(bureau)
    pub = login(app, "pub")
    draft = draft_id_of(upload(pub, ("报告.pdf", seed_pdf)))
    bureau.work()
    page = pub.get(f"/drafts/{draft}").text
    assert re.findall(r'<div class="wf-page" id="page-(\d+)">', page) == ["1", "2"]
    assert "显示前 2 页" in page
    assert pub.get(f"/drafts/{draft}/pages/3.png").status_code == 404
    width, height = Image.open(io.BytesIO(pub.get(f"/drafts/{draft}/pages/2.png").content)).size
    assert width <= 595 * 3 + 2 and height <= 842 * 3 + 2


def _text_in(pdf: bytes, page_number: int, box: list[float]) -> str:
    """The text PDFium finds inside ``box`` (points from the top-left) on the page."""
    import pypdfium2

    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[page_number - 1]
        height = page.get_size()[1]
        x0, top, x1, bottom = box
        return page.get_textpage().get_text_bounded(left=x0, bottom=height - bottom, right=x1, top=height - top)
    finally:
        document.close()


def test_a_budget_draft_gets_its_own_pages_with_the_findings_boxed(bureau, monkeypatch):
    from sqlalchemy import text

    monkeypatch.setenv("YUSUAN_DRAFT_PAGES", "1")
    from tests.web.workflow_fixtures import BROKEN_COST, seed_xlsx

    app = app_for(bureau)
    pub = login(app, "pub")
    draft = draft_id_of(upload(pub, ("budget.xlsx", seed_xlsx(BROKEN_COST))))
    with bureau.sessions() as s:
        assert s.execute(text("SELECT count(*) FROM wf_jobs")).scalar() == 1
    from yusuan.jobs import Worker

    assert Worker(bureau.sessions, name="w").run_one()  # the check alone: checked, pages to come
    page = pub.get(f"/drafts/{draft}").text
    assert re.search(r'<span class="status checked" id="draft-status">待审核</span>', page)
    assert 'id="pages-pending"' in page and pub.get(f"/drafts/{draft}/pages/1.png").status_code == 404
    assert bureau.work() == 1  # the pages job
    with bureau.sessions() as s:
        assert s.execute(text("SELECT error FROM wf_jobs WHERE kind = 'pages'")).scalar() == ""
    page = pub.get(f"/drafts/{draft}").text
    assert 'id="pages"' in page and "按预算生成的公开文本" in page

    # The broken amount's finding: boxed on the page that prints it, the box around those words.
    broken = re.search(rf'<tr class="error" id="finding-(\d+)" data-rule="P.cost">(?:(?!</tr>).)*{BROKEN_COST}', page, re.S)
    assert broken
    finding = broken.group(1)
    assert f'href="#box-{finding}-0"' in broken.group(0)
    box = re.search(rf'<a class="wf-box error" id="box-{finding}-0" href="#finding-{finding}"[^>]*'
                    r'style="left: ([\d.]+)%; top: ([\d.]+)%; width: ([\d.]+)%; height: ([\d.]+)%"', page)
    assert box
    number = int(page[:box.start()].rsplit('<div class="wf-page" id="page-', 1)[1].split('"', 1)[0])
    with bureau.sessions() as s:
        pdf = s.execute(text("SELECT pdf FROM wf_drafts WHERE id = :d"), {"d": draft}).scalar()
        (stored,) = s.execute(text("SELECT boxes FROM wf_draft_findings WHERE id = :f"), {"f": int(finding)}).one()
    stored = stored if isinstance(stored, list) else __import__("json").loads(stored)
    assert stored[0]["page"] == number
    assert BROKEN_COST.replace("万元", "") in _text_in(pdf, number, stored[0]["box"]).replace(" ", "")
    # Drawn in percentages of the page: the same place at any image width.
    x0, top, x1, bottom = stored[0]["box"]
    width, height = stored[0]["size"]
    assert abs(float(box.group(1)) - (x0 - 1.5) / width * 100) < 0.01
    assert abs(float(box.group(2)) - (top - 1.5) / height * 100) < 0.01
    image = Image.open(io.BytesIO(pub.get(f"/drafts/{draft}/pages/{number}.png").content))
    assert abs(image.size[0] / image.size[1] - width / height) < 0.01  # the image is the page the box is on

    # A warning of the seed, a quote of the prose: boxed too.
    assert re.search(r'<a class="wf-box warning" id="box-\d+-0"', page)


def test_pages_of_budget_drafts_can_be_turned_off(bureau, monkeypatch):
    from tests.web.workflow_fixtures import SEED_BYTES

    monkeypatch.setenv("YUSUAN_DRAFT_PAGES", "0")
    app = app_for(bureau)
    pub = login(app, "pub")
    draft = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    assert bureau.work() == 1
    page = pub.get(f"/drafts/{draft}").text
    assert 'id="pages"' not in page and 'id="pages-pending"' not in page
    assert pub.get(f"/drafts/{draft}/pages/1.png").status_code == 404

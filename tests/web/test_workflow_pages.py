"""The draft's uploaded PDF on the review page, page by page: PNG images drawn by PDFium in the
readers' child process (a page limit, a bounded scale), each finding listed beside the page it
is on, and the two linked both ways."""
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

    # Each finding with a page links to that page, and is listed beside it linking back.
    links = re.findall(r'<tr class="\w+" id="finding-(\d+)".*?<a class="page-no" href="#page-(\d+)">', page, re.S)
    assert links
    for finding, number in links:
        block = page.split(f'<div class="wf-page" id="page-{number}">', 1)[1].split('<div class="wf-page"', 1)[0]
        assert f'href="#finding-{finding}"' in block
    assert "P.cost" in "".join(page.split('id="pages"', 1)[1].split('id="report"', 1)[0])

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


def test_a_budget_upload_has_no_pages(bureau):
    from tests.web.workflow_fixtures import SEED_BYTES

    app = app_for(bureau)
    pub = login(app, "pub")
    draft = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    bureau.work()
    assert 'id="pages"' not in pub.get(f"/drafts/{draft}").text
    assert pub.get(f"/drafts/{draft}/pages/1.png").status_code == 404

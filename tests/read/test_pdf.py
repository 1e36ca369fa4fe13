"""The PDF path: our own renderer's PDF of the example budget reads back through pdfplumber."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from yusuan.errors import InputError
from yusuan.read import published

from .conftest import EXAMPLE_BUDGET
from .strategies import budgets
from tests.contexts import SHANXI, DETECT, rendering

BLANK_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
             b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def test_a_pdf_without_text_layer_is_one_clear_error(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(BLANK_PDF)
    with pytest.raises(InputError, match="no text layer"):
        published(path, DETECT)


def test_a_damaged_pdf_is_one_input_error(tmp_path):
    path = tmp_path / "broken.pdf"
    path.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(InputError):
        published(path, DETECT)


@pytest.fixture(scope="module")
def rendered_pdf(tmp_path_factory):
    from yusuan.derive import derive
    from yusuan.inputs import read_budget
    from yusuan.render import renderers

    if "pdf" not in renderers():
        pytest.skip("no PDF renderer installed")
    derived = derive(read_budget(EXAMPLE_BUDGET), SHANXI)
    path = tmp_path_factory.mktemp("pdf") / "report.pdf"
    path.write_bytes(renderers()["pdf"].render(rendering(derived)))
    return derived, path


def test_our_pdf_reads_back_every_cell_and_field(rendered_pdf):
    from .test_roundtrip import assert_same

    derived, path = rendered_pdf
    result = published(path, DETECT)
    assert [str(p) for p in result.problems] == []
    assert result.template == "shanxi-2024"
    compared = assert_same(result.report, derived)
    fields = sum(len(p.model_dump()) + len(p.indicators) for p in derived.performance)
    print(f"\nPDF of the example: {compared} table cells and {len(derived.performance)} performance tables "
          f"({fields} fields and indicators) equal")


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(budget=budgets())
def test_pdf_round_trip(budget, tmp_path):
    """published(pdf of derive(budget, SHANXI), DETECT) == derive(budget, SHANXI) on every cell and field."""
    from yusuan.derive import derive
    from yusuan.render import renderers

    from .test_roundtrip import assert_same

    derived = derive(budget, SHANXI)
    path = tmp_path / "generated.pdf"
    path.write_bytes(renderers()["pdf"].render(rendering(derived)))
    result = published(path, DETECT)
    assert [str(p) for p in result.problems] == []
    assert assert_same(result.report, derived) > 0

"""Shanghai 预算/决算 PDFs: reading a real one (pages/s, per file), and refusing a PDF of no known
layout (ms per document).

published() decides the layout on the pages' plain text (PDFium's, in its bounded child) before
any page's words and ruled tables are extracted, so a document of no known layout is refused
after the plain text alone. Refusal is printed next to two figures of the same run: pypdfium2's
own plain text of the document (the floor) and extracting every page's words and grids then
detecting (how it was refused before). The unknown document is made here with typst: pages of
ruled tables of figures and Chinese headings that no template's titles name (a report of
another kind).

Run: python benchmarks/bench_shanghai.py [PDF ...]"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import best  # noqa: E402 — benchmarks/timing.py, beside this script
from yusuan.context import Context  # noqa: E402
from yusuan.read import published  # noqa: E402
from yusuan.read.pdf import page_texts  # noqa: E402
from yusuan.read.detect import detect  # noqa: E402

SHANGHAI = ROOT / "tests" / "data" / "shanghai"
DETECT = Context.create(None)



def unknown_pdf(pages: int = 20) -> Path:
    """A PDF of ``pages`` pages, each a heading, a paragraph and a ruled table of figures, in the
    fonts our renderer uses — text and rulings as a budget report has, but no title of one."""
    import typst

    from yusuan.render.pdf import font_paths

    rows = ", ".join(f'[{r}], [项目{r}号], [{r * 1234567.89:,.2f}], [{r * 7654.32:,.2f}], [{r * 98765.43:,.2f}]' for r in range(1, 26))
    page = (f'= 第{{n}}章 工作情况汇报\n\n本章说明本年度各项工作的开展情况和资金使用情况，数据如下表所示。\n\n'
            f'#table(columns: 5, stroke: 0.5pt, [序号], [名称], [金额一], [金额二], [金额三], {rows})\n')
    source = '#set page(paper: "a4")\n#set text(font: ("Noto Serif CJK SC", "Noto Sans CJK SC"), size: 9pt)\n'
    source += "#pagebreak()\n".join(page.replace("{n}", str(n)) for n in range(1, pages + 1))
    data = typst.Compiler(font_paths=list(font_paths()), ignore_system_fonts=True).compile(input=source.encode(), format="pdf")
    path = Path(tempfile.mkdtemp()) / "unknown.pdf"
    path.write_bytes(data)
    return path


def reading(files: list[Path]) -> None:
    pages_total, seconds_total = 0, 0.0
    for path in files:
        published(path, DETECT)  # warm imports and the page cache
        pages = len(page_texts(path))
        seconds = best(lambda: published(path, DETECT))
        result = published(path, DETECT)
        pages_total += pages
        seconds_total += seconds
        print(f"read {path.name}: {pages} pages in {seconds * 1000:.0f} ms, {pages / seconds:.1f} pages/s "
              f"({result.template}, exit {result.exit_code})")
    if len(files) > 1:
        print(f"read all {len(files)}: {pages_total} pages, {pages_total / seconds_total:.1f} pages/s")


def refusing() -> None:
    from bench_pdf import pypdfium2_text
    from yusuan.read.pdf import pdf_lines

    path = unknown_pdf()
    result = published(path, DETECT)
    assert result.report is None, "the unknown document was not refused"
    pages = len(page_texts(path))
    assert detect("\n".join(page_texts(path))).template is None  # plain text refuses it
    floor = best(lambda: pypdfium2_text(path), 5)
    now = best(lambda: published(path, DETECT), 5)
    before = best(lambda: detect("\n".join(line.text for line in pdf_lines(path))), 3)
    print(f"refuse a {pages}-page PDF of no known layout: {now * 1000:.0f} ms as published() does it (plain text "
          f"first); baseline pypdfium2 plain text {floor * 1000:.0f} ms ({now / floor:.2f}×); every page's words and "
          f"grids extracted, then detected {before * 1000:.0f} ms ({before / now:.1f}× slower)")
    print(f"  refused as: {result.problems[0]}")


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or sorted(SHANGHAI.glob("*-yusuan.pdf")) + sorted(SHANGHAI.glob("*-juesuan.pdf"))
    reading(files)
    refusing()


if __name__ == "__main__":
    main()

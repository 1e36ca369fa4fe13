"""Reading PDFs, pages per second: yusuan's PDF layer (pdf_lines: characters, words, ruled
tables rebuilt, lines; in its bounded child process), the same after the plain-text pass that
decides the layout first (read_pdf, as published() reads: both passes in one child),
pdfplumber's extract_text (the library it replaced, no tables), and PDFium's plain text
(page_texts, no layout). On the seed's PDF (built with `yusuan build --format pdf`) and on the
Shanghai PDFs in tests/data/shanghai.

Then refusing a PDF of no known layout (25 pages of headings, prose and ruled tables of figures,
made with typst, benchmarks/bench_shanghai.py): ms per document as published() does it, next to
pypdfium2's own plain text of the same document in this process (the floor: what reading its
text costs at all) and to extracting every page's words and grids (what refusing cost before);
also in a fresh process that imported only what `yusuan read` does, as the command refuses it.
Run: python benchmarks/bench_pdf.py [PDF ...]"""
from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from timing import best  # noqa: E402 — benchmarks/timing.py, beside this script
from yusuan.context import Context  # noqa: E402
from yusuan.read import published  # noqa: E402
from yusuan.read.detect import detect  # noqa: E402
from yusuan.read.pdf import pdf_lines, read_pdf  # noqa: E402
from yusuan.read.pdfium import page_texts  # noqa: E402

EXAMPLE = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"
SHANGHAI = ROOT / "tests" / "data" / "shanghai"



def seed_pdf() -> Path | None:
    out = Path(tempfile.mkdtemp())
    done = subprocess.run([sys.executable, "-m", "yusuan.cli", "build", str(EXAMPLE), "--format", "pdf", "-o", str(out)],
                          capture_output=True, text=True, cwd=ROOT)
    pdf = out / "report.pdf"
    if done.returncode != 0 or not pdf.exists():
        print(f"(the seed's PDF was not built: {done.stderr.strip()[-300:]})")
        return None
    return pdf


def known(texts: list[str]) -> bool:
    return detect("\n".join(texts)).template is not None


def plumber_text(path: Path) -> None:
    import pdfplumber

    with pdfplumber.open(str(path)) as document:
        for page in document.pages:
            page.extract_text()


def main() -> None:
    files = [Path(a) for a in sys.argv[1:]] or [p for p in [seed_pdf()] if p] + sorted(SHANGHAI.glob("*.pdf"))
    try:
        import pdfplumber  # noqa: F401
        plumber = True
    except ModuleNotFoundError:
        plumber = False
    totals = {"ours": 0.0, "decided first": 0.0, "pdfplumber": 0.0, "pdfium": 0.0}
    pages_total = 0
    for path in files:
        pdf_lines(path)  # warm imports and the page cache
        pages = len(page_texts(path))
        pages_total += pages
        times = {"ours": best(lambda: pdf_lines(path)), "decided first": best(lambda: read_pdf(path, known)),
                 "pdfium": best(lambda: page_texts(path))}
        if plumber:
            times["pdfplumber"] = best(lambda: plumber_text(path), 1)
        for key, seconds in times.items():
            totals[key] += seconds
        figures = ", ".join(f"{key} {pages / seconds:.0f}" for key, seconds in times.items())
        print(f"{path.name} ({pages} pages): pages/s {figures}")
    if len(files) > 1:
        figures = ", ".join(f"{key} {pages_total / seconds:.0f}" for key, seconds in totals.items() if seconds)
        print(f"all {len(files)} PDFs ({pages_total} pages): pages/s {figures}")


def pypdfium2_text(path: Path) -> list[str]:
    """The baseline: pypdfium2's plain text of every page, in this process, nothing else."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(str(path))
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


# published() in a fresh process that imported only what `yusuan read` imports (≈35 MB): the
# bounded child is forked from the reading process, and forking this benchmark's own (≈180 MB,
# pdfplumber and typst loaded) costs ≈10 ms more than forking the command's.
LEAN = """
import sys, time
from yusuan.context import Context
from yusuan.read.published import published
context = Context.create(None)
published(sys.argv[1], context)
times = []
for _ in range(7):
    started = time.perf_counter()
    published(sys.argv[1], context)
    times.append(time.perf_counter() - started)
print(min(times))
"""


def _refusing_lean(path: Path) -> float:
    done = subprocess.run([sys.executable, "-c", LEAN, str(path)], capture_output=True, text=True, cwd=ROOT, check=True)
    return float(done.stdout)


def refusing(pages: int = 25) -> None:
    from bench_shanghai import unknown_pdf

    path = unknown_pdf(pages)
    context = Context.create(None)
    result = published(path, context)
    assert result.report is None, "the unknown document was not refused"
    times = {"published() refuses": best(lambda: published(path, context), 7),
             "the same, in a process as `read`'s": _refusing_lean(path),
             "baseline pypdfium2 plain text": best(lambda: pypdfium2_text(path), 7),
             "page_texts (bounded child)": best(lambda: page_texts(path), 7),
             "every page's words and grids": best(lambda: pdf_lines(path), 3)}
    floor = times["baseline pypdfium2 plain text"]
    print(f"refusing a {pages}-page PDF of no known layout (goal < 50 ms):")
    for key, seconds in times.items():
        print(f"  {key:32} {seconds * 1000:6.0f} ms  ({seconds / floor:.2f}× the baseline)")
    print(f"  refused as: {result.problems[0]}")


if __name__ == "__main__":
    main()
    refusing()

"""Time each output format on the seed's report, and the PDF engine against WeasyPrint.

    python benchmarks/bench_render.py [--repeat N] [--no-weasyprint]

Prints the best-of-N warm time per format (the first run, which loads fonts and templates,
is reported separately as cold), the page count of the PDF, and the typst-vs-WeasyPrint
ratio on the same report (WeasyPrint renders our HTML, print CSS included). WeasyPrint is
optional: `pip install weasyprint`.

Every warm run renders a report that differs from the previous one (another unit name), so
typst's incremental cache cannot replay an earlier layout: the figures are those of a batch
rendering many units in one process.
"""
from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from yusuan.derive import derive  # noqa: E402
from yusuan.read.budget_yaml import read_budget  # noqa: E402
from yusuan.render import renderers  # noqa: E402
from yusuan.render.html import render_html  # noqa: E402
from tests.contexts import rendering, SHANXI

BUDGET = ROOT / "examples" / "tunliu-police-2024" / "budget.yaml"


def timed(function, repeat: int, inputs=None) -> tuple[float, float, object]:
    """Cold (first) and best warm time of ``function(input)``, a different input each run."""
    inputs = inputs or [None] * (repeat + 1)
    start = time.perf_counter()
    result = function(inputs[0])
    cold = time.perf_counter() - start
    warm = []
    for i in range(repeat):
        start = time.perf_counter()
        result = function(inputs[i + 1])
        warm.append(time.perf_counter() - start)
    return cold, min(warm) if warm else cold, result


def variants(report, count: int) -> list:
    out = []
    for i in range(count):
        copy = report.model_copy(deep=True)
        copy.unit_name = f"{report.unit_name}{'' if i == 0 else i}"
        out.append(copy)
    return out


def pages(pdf: bytes) -> int:
    import pypdfium2

    return len(pypdfium2.PdfDocument(io.BytesIO(pdf)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-weasyprint", action="store_true")
    args = parser.parse_args()

    cold, warm, budget = timed(lambda _: read_budget(BUDGET), args.repeat)
    print(f"{'read budget.yaml':<22} cold {cold:7.3f} s   warm {warm:7.3f} s")
    cold, warm, report = timed(lambda _: derive(budget, SHANXI), args.repeat)
    print(f"{'derive':<22} cold {cold:7.3f} s   warm {warm:7.3f} s")
    results = {}
    for name in ("json", "text", "html", "pdf", "xlsx", "docx", "datapackage"):
        renderer = renderers().get(name)
        if renderer is None:
            continue
        cold, warm, data = timed(lambda r: renderer.render(r, budget), args.repeat, variants(report, args.repeat + 1))
        results[name] = (cold, warm, data)
        print(f"{name:<22} cold {cold:7.3f} s   warm {warm:7.3f} s   {len(data) / 1024:8.0f} KiB")
    typst_pdf = results["pdf"][2]
    print(f"PDF pages (typst): {pages(typst_pdf)}")

    if args.no_weasyprint:
        return
    try:
        import weasyprint
    except ImportError:
        print("WeasyPrint not installed (pip install weasyprint): no engine comparison")
        return
    weasy_repeat = max(1, min(args.repeat, 2))
    pages_html = [render_html(rendering(r, budget)).decode("utf-8") for r in variants(report, weasy_repeat + 1)]
    cold, warm, weasy_pdf = timed(lambda html: weasyprint.HTML(string=html).write_pdf(), weasy_repeat, pages_html)
    print(f"{'pdf (WeasyPrint)':<22} cold {cold:7.3f} s   warm {warm:7.3f} s   {len(weasy_pdf) / 1024:8.0f} KiB"
          f"   pages {pages(weasy_pdf)}")
    print(f"WeasyPrint / typst (warm): {warm / results['pdf'][1]:.1f}x")


if __name__ == "__main__":
    main()

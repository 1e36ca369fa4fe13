"""A budget draft's own PDF pages, and every finding's boxes on them (docs/workflow.md).

A budget has no pages: the worker renders our PDF of its report (the typst renderer, as
`yusuan build -f pdf`), reads it back with the PDF reader for the places of its parts, and
boxes each finding there (yusuan/read/boxes.py ``rendered_with_places``, ``finding_boxes``).

This runs in a fresh interpreter (``python -m yusuan.draft_pages FOLDER``), not a forked copy of
the worker: the typst compiler keeps a pool of threads, and a process that has rendered a PDF
before (the server renders the findings' PDF) would hand a forked child a compiler whose
threads are gone — it would wait for ever. The child sets the batch workers' memory limit on
itself and the worker ends it at their time limit (yusuan/batch.py, yusuan/limits.py).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def boxes_by_finding(report, findings, pdf) -> list[list[dict]]:
    """For each finding (in order), the boxes to draw: page, box (x0, top, x1, bottom in points
    from the page's top-left), the page's size in points (so the page shows them at any scale),
    what the box is (yusuan/read/boxes.py FindingBox.kind) and its label. ``pdf``: a path or
    the bytes of the PDF the report was read from."""
    import pypdfium2

    from .read.boxes import finding_boxes

    document = pypdfium2.PdfDocument(pdf)
    try:
        sizes = [tuple(round(v, 2) for v in document[i].get_size()) for i in range(len(document))]
    finally:
        document.close()
    out: list[list[dict]] = [[] for _ in findings]
    for page, boxes in finding_boxes(report, findings).items():
        if not 1 <= page <= len(sizes):
            continue
        for found in boxes:
            out[found.index].append({"page": page, "box": [round(v, 2) for v in found.box], "size": list(sizes[page - 1]),
                                     "kind": found.kind, "label": found.label})
    return out


def render(report_json: str, findings: list[dict]) -> tuple[bytes, list[list[dict]]]:
    """Our PDF of the report, and the findings' boxes on it."""
    from .read.boxes import rendered_with_places
    from .report import Report
    from .templates import load

    report = Report.from_json(report_json)
    rendered = rendered_with_places(report, load(report.template, report.year))
    return rendered.pdf, boxes_by_finding(rendered.report, findings, rendered.pdf)


def in_fresh_process(report_json: str, findings: list[dict], folder: Path) -> dict:
    """{"pdf": bytes, "boxes": [...]} from a fresh interpreter under the workers' limits, or
    {"refused": one line}."""
    from .batch import took_too_long
    from .limits import limit

    (folder / "job.json").write_text(json.dumps({"report": report_json, "findings": findings}, ensure_ascii=False),
                                     encoding="utf-8")
    seconds = limit("file_seconds")
    root = str(Path(__file__).resolve().parents[1])  # yusuan importable whatever the working folder
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p))
    try:
        done = subprocess.run([sys.executable, "-m", "yusuan.draft_pages", str(folder)], capture_output=True,
                              timeout=seconds or None, env=env, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:  # subprocess.run has ended it
        return {"refused": took_too_long(seconds)}
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
        return {"refused": (lines[-1] if lines else f"exit status {done.returncode}")[:2000]}
    return {"pdf": (folder / "report.pdf").read_bytes(),
            "boxes": json.loads((folder / "boxes.json").read_text(encoding="utf-8"))}


def main(folder: Path) -> int:
    from .batch import memory_limit, out_of_memory
    from .limits import cap_memory

    cap_memory(memory_limit())
    job = json.loads((folder / "job.json").read_text(encoding="utf-8"))
    try:
        pdf, boxes = render(job["report"], job["findings"])
    except MemoryError:
        print(out_of_memory(), file=sys.stderr)
        return 2
    except Exception as exc:  # noqa: BLE001 — no CJK font, a renderer's failure: one line for the job
        print(f"{type(exc).__name__}: {exc}".replace("\n", " "), file=sys.stderr)
        return 2
    (folder / "report.pdf").write_bytes(pdf)
    (folder / "boxes.json").write_text(json.dumps(boxes, ensure_ascii=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))

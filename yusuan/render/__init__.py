"""Renderers, registered by format (the datasette way): adding a format touches one file.

A renderer is ``render(rendering) -> bytes`` registered under its format name and file name:
a ``Rendering`` is the Report with its template and catalog (and, when the report was derived
here, the Budget, whose line items two formats export); ``write`` writes each requested format
atomically into a folder.
"""
from __future__ import annotations

import importlib
import os
import tempfile
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

from ..budget import Budget
from ..catalog import Catalog
from ..report import Report
from ..templates import Template


@dataclass(frozen=True)
class Rendering:
    report: Report
    template: Template  # the report's layout, for its year
    catalog: Catalog
    budget: Budget | None = None  # the line items, when the report was derived from them


RenderFunction = Callable[[Rendering], bytes]


@dataclass(frozen=True)
class Renderer:
    format: str
    filename: str
    render: RenderFunction


_REGISTRY: dict[str, Renderer] = {}
# Modules whose import registers built-in renderers; a missing one is skipped so that a
# partial install still renders what it can.
_BUILTIN = ("text", "json", "html", "pdf", "xlsx", "docx", "datapackage")


def register(format: str, filename: str) -> Callable[[RenderFunction], RenderFunction]:
    def decorator(function: RenderFunction) -> RenderFunction:
        _REGISTRY[format] = Renderer(format, filename, function)
        return function

    return decorator


def renderers() -> dict[str, Renderer]:
    for name in _BUILTIN:
        _import(name)
    return _REGISTRY


def _import(name: str) -> None:
    try:
        importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise


def _renderers(formats: list[str]) -> dict[str, Renderer]:
    """The registry with the renderers of ``formats`` loaded: a built-in format is registered by
    the module of its name, so only those are imported (`build -f json` never imports openpyxl,
    python-docx or jinja2: ~150 ms of a cold start); every one when a format is still unknown."""
    for name in formats:
        if name not in _REGISTRY and name in _BUILTIN:
            _import(name)
    return _REGISTRY if all(f in _REGISTRY for f in formats) else renderers()


_SHARED: ContextVar[dict | None] = ContextVar("render_shared", default=None)


@contextmanager
def once() -> Iterator[None]:
    """Within it, what several renderers compute alike from one report (the page layout) is made
    once and shared (``shared()``). Kept here, not in layout.py, so that writing JSON or text
    alone does not import the layout."""
    token = _SHARED.set({})
    try:
        yield
    finally:
        _SHARED.reset(token)


def shared() -> dict | None:
    """The memo of the ``once`` block being run, or None outside one."""
    return _SHARED.get()


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temporary file beside ``path`` and move it into place: nothing is written half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; a report is an ordinary file
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_together(files: list[tuple[str, bytes]], outdir: str | Path) -> list[Path]:
    """Write ``files`` (name, bytes) into ``outdir`` as one step: each into a temporary file
    beside its place first (on the disk: fsync), then all moved into place (a rename each), so a
    full disk or a crash while writing leaves the folder as it was — not report.json new beside
    an old report.pdf. An OSError names the file it was writing. (Many folders at once, with one
    sync for all: staging.py.)"""
    from .staging import stage

    return stage(files, outdir).move_into_place()


def check_formats(formats: list[str]) -> None:
    """ValueError naming the formats no renderer is registered for."""
    available = _renderers(formats)
    unknown = [f for f in formats if f not in available]
    if unknown:
        raise ValueError(f"unknown format {', '.join(unknown)} (known: {', '.join(sorted(available))})")


def rendered(rendering: Rendering, formats: list[str]) -> list[tuple[str, bytes]]:
    """Every format rendered, as (file name, bytes); ValueError for an unknown format."""
    check_formats(formats)
    available = _renderers(formats)
    with once():  # the page layout (render/layout.py) computed once for html, pdf, docx and xlsx alike
        return [(available[f].filename, available[f].render(rendering)) for f in formats]


def write(rendering: Rendering, formats: list[str], outdir: str | Path) -> list[Path]:
    """Render every format first, then write them all: a failing renderer leaves nothing half-written."""
    return write_together(rendered(rendering, formats), outdir)

"""Renderers, registered by format (the datasette way): adding a format touches one file.

A renderer is ``render(report, budget) -> bytes`` registered under its format name and file
name; ``write`` writes each requested format atomically into a folder.
"""
from __future__ import annotations

import importlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..budget import Budget
from ..report import Report

RenderFunction = Callable[[Report, "Budget | None"], bytes]


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
        try:
            importlib.import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{__name__}.{name}":
                raise
    return _REGISTRY


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


def check_formats(formats: list[str]) -> None:
    """ValueError naming the formats no renderer is registered for."""
    available = renderers()
    unknown = [f for f in formats if f not in available]
    if unknown:
        raise ValueError(f"unknown format {', '.join(unknown)} (known: {', '.join(sorted(available))})")


def write(report: Report, formats: list[str], outdir: str | Path, budget: Budget | None = None) -> list[Path]:
    """Render every format first, then write them all: a failing renderer leaves nothing half-written."""
    check_formats(formats)
    available = renderers()
    rendered = [(available[f], available[f].render(report, budget)) for f in formats]
    paths = []
    for renderer, data in rendered:
        path = Path(outdir) / renderer.filename
        atomic_write(path, data)
        paths.append(path)
    return paths

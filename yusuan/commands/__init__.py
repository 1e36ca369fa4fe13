"""Command modules of the `yusuan` CLI; each defines ``register(app: typer.Typer)``.

The commands are where a Context (template, catalog) is made, once, from --template and
--catalog; everything below them receives it.
"""
from __future__ import annotations

from pathlib import Path


def make_context(template: str | None, catalog_files: list[Path] | tuple = ()):
    """The command's Context; a bad --template or --catalog is an InputError naming it."""
    from ..catalog import CatalogError
    from ..context import Context
    from ..errors import InputError
    from ..templates import TemplateError

    try:
        return Context.create(template, tuple(catalog_files))
    except CatalogError as exc:
        raise InputError(", ".join(map(str, catalog_files)), None, str(exc)) from None
    except TemplateError as exc:
        raise InputError(str(template), None, str(exc)) from None

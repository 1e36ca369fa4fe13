"""The `yusuan` command: thin over the core. Errors become one line and exit code 2.

Each group of commands lives in its own module with a ``register(app)`` function
(yusuan/commands/*.py), so adding a command touches one file; a module named after its command
is the only one a run of that command imports (``app_for``).
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import sys
import types

# yusuan uses no pydantic plugin, and looking them up walks the metadata of every installed
# distribution (importlib.metadata: ~20–25 ms of each cold command with ~180 installed). Only
# when the user has not said otherwise: PYDANTIC_DISABLE_PLUGINS= (empty) looks them up again.
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")


def _skip_plugin_loader() -> None:
    """With its plugins disabled pydantic still imports its plugin loader, which imports
    importlib.metadata (and email, zipfile, csv …: ~8–10 ms of each cold command) before it reads
    the variable above. The loader's one function, for this case, in its place: no plugin.
    (PYDANTIC_DISABLE_PLUGINS set otherwise by the user: the real loader, nothing replaced.)"""
    if os.environ.get("PYDANTIC_DISABLE_PLUGINS") not in ("__all__", "1", "true"):
        return
    if "pydantic.plugin._loader" in sys.modules:  # pydantic already in use (a test, an embedding program)
        return
    loader = types.ModuleType("pydantic.plugin._loader", "yusuan: pydantic plugins disabled, none loaded")
    loader.get_plugins = lambda: ()

    def real(name: str):
        # Anything else a later pydantic asks of its loader: the real module, in place of this one.
        # Not for the import system's own questions (__path__, __spec__ …), asked of every module.
        if name.startswith("__"):
            raise AttributeError(name)
        del sys.modules["pydantic.plugin._loader"]
        return getattr(importlib.import_module("pydantic.plugin._loader"), name)

    loader.__getattr__ = real  # PEP 562
    sys.modules["pydantic.plugin._loader"] = loader


_skip_plugin_loader()

import typer  # noqa: E402 — after the line above, which must come before pydantic is used

from . import commands
from .batch import Interrupted
from .errors import InputError, InputErrors


def _group() -> None:
    """yusuan (预算): prepare, check, read and publish departmental budget disclosures."""


def _typer() -> typer.Typer:
    app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                      help="yusuan (预算): departmental budget disclosures.")
    app.callback()(_group)
    return app


def _names(app: typer.Typer) -> set[str]:
    """The commands and groups registered in ``app``, by the name a user types."""
    named = {info.name or info.callback.__name__.lower().replace("_", "-") for info in app.registered_commands}
    return named | {info.name for info in app.registered_groups}


def full_app() -> typer.Typer:
    """Every command: the module of each registers its own."""
    app = _typer()
    for module in pkgutil.iter_modules(commands.__path__):
        importlib.import_module(f"{commands.__name__}.{module.name}").register(app)
    return app


def app_for(args: list[str]) -> typer.Typer:
    """The CLI for one run: only the module of the command asked for when its module is named
    after it (``yusuan build …`` imports commands/build.py alone — the others' imports and
    click commands were ~10–25 ms of each cold start); every command for anything else (help,
    an unknown or misspelled command, a command living in another module)."""
    name = next((arg for arg in args if not arg.startswith("-")), None)
    if name and name.isidentifier() and not name.startswith("_"):
        try:
            module = importlib.import_module(f"{commands.__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"{commands.__name__}.{name}":
                raise
        else:
            app = _typer()
            module.register(app)
            if name in _names(app):
                return app
    return full_app()


def __getattr__(name: str):
    # `from yusuan.cli import app` (the tests, typer's CliRunner): the whole CLI, made once.
    if name == "app":
        globals()["app"] = full_app()
        return globals()["app"]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    try:
        # Without standalone mode click *returns* the code of a `raise typer.Exit(n)`: pass it on.
        code = app_for(sys.argv[1:])(standalone_mode=False)
        if isinstance(code, int) and code:
            sys.exit(code)
    except InputErrors as exc:
        for line in exc.lines():  # at most limits "errors" lines, then "… and N more"
            typer.echo(f"error: {line}", err=True)
        sys.exit(2)
    except InputError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except Interrupted as exc:  # a batch stopped by a signal: it said what was done
        sys.exit(exc.code)
    except (typer.Abort, KeyboardInterrupt):
        typer.echo("aborted", err=True)
        sys.exit(130)
    except OSError as exc:  # an output folder that cannot be written, a disk that is full
        typer.echo(f"error: {exc.filename or ''}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    except Exception as exc:
        if hasattr(exc, "show") and hasattr(exc, "exit_code"):  # click's usage errors (typer vendors click)
            exc.show()
            sys.exit(2)
        if os.environ.get("YUSUAN_DEBUG"):
            raise
        # A bug of ours, not the user's input: still one line, and how to see the traceback.
        typer.echo(f"error: internal error ({type(exc).__name__}: {exc}); run with YUSUAN_DEBUG=1 for the traceback", err=True)
        sys.exit(3)


if __name__ == "__main__":
    main()

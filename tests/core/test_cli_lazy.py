"""The CLI imports only the module of the command asked for (yusuan/cli.py, app_for): every
command is still served, and says the same as in the whole CLI."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from yusuan import cli

ALL = cli._names(cli.full_app())


def test_every_command_is_registered():
    assert {"build", "check", "read", "render", "templates", "admin", "worker", "workbook"} <= ALL


@pytest.mark.parametrize("name", sorted(ALL))
def test_each_command_is_served_by_the_app_for_its_run(name):
    assert name in cli._names(cli.app_for([name, "--help"]))


@pytest.mark.parametrize("args", [[], ["--help"], ["nope"], ["__init__"], ["-x"]])
def test_anything_else_gets_every_command(args):
    assert cli._names(cli.app_for(args)) == ALL


@pytest.mark.parametrize("args", [["build", "--help"], ["check", "--help"], ["build", "--nope"], ["templates"]])
def test_a_command_says_what_it_says_in_the_whole_cli(args):
    runner = CliRunner()
    alone, whole = runner.invoke(cli.app_for(args), args), runner.invoke(cli.full_app(), args)
    assert (alone.exit_code, alone.output) == (whole.exit_code, whole.output)
    assert alone.output

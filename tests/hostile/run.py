"""Run the `yusuan` command as a user would on a hostile file: in a subprocess, under a 2 GB
memory limit (RLIMIT_AS) and a 60 s hang guard, so that one bad case fails its test instead of
taking the machine or the test run with it."""
from __future__ import annotations

import os
import resource
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

MEMORY = 2 * 1024**3
TIMEOUT = 60
ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def errors(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.startswith("error:")]


def yusuan(*args: object, cwd: Path | None = None, env: dict | None = None, timeout: float = TIMEOUT) -> Run:
    """``python -m yusuan.cli ARGS``; fails the test (TimeoutExpired) after ``timeout`` s."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    environment.pop("YUSUAN_DEBUG", None)
    done = subprocess.run([sys.executable, "-m", "yusuan.cli", *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, preexec_fn=_limit_memory, cwd=cwd or ROOT, env=environment)
    return Run(done.returncode, done.stdout, done.stderr)


def refused(run: Run, *where: str) -> str:
    """The one error line of a run refused with exit 2; each of ``where`` is in it (file, place)."""
    assert run.code == 2, (run.code, run.stderr[-2000:])
    assert "Traceback" not in run.stderr and "internal error" not in run.stderr, run.stderr[-2000:]
    lines = run.errors
    assert len(lines) == 1, run.stderr[-2000:]
    for part in where:
        assert part in lines[0], (part, lines[0])
    return lines[0]


def small_budget(*edits: tuple[str, str]) -> str:
    """tests/data/small-budget.yaml with each (old, new) text replaced."""
    text = (DATA / "small-budget.yaml").read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new)
    return text

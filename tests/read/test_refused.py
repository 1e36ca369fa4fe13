"""A refused file is still data: what it is, why nothing was read, which template it resembles and
the titles found — in `check -f json` (stdout, exit 2), in `read -o DIR` (DIR/problems.json), and
for each file of a folder."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SEED = ROOT / "tests" / "data" / "tunliu-police-2024.txt"
# Titles of a 决算 that is none of ours, and no mark of any template.
ODD = "2023年度部门决算\n某某局收支情况表\n2023年某个总表\n项目 金额\n合计 1.00\n"


def yusuan(*args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "yusuan.cli", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_check_prints_a_refused_file_as_data(tmp_path):
    odd = tmp_path / "odd.txt"
    odd.write_text(ODD, encoding="utf-8")
    done = yusuan("check", odd, "-f", "json")
    assert done.returncode == 2
    data = json.loads(done.stdout)
    assert data["input"] == str(odd) and data["status"] == "unreadable"
    assert "of no template yusuan knows" in data["reason"]
    assert data["resembles"] and data["titles"] == ["某某局收支情况表", "2023年某个总表"]
    assert done.stderr.startswith(f"error: {odd}: ")  # the one line a person reads


def test_read_writes_problems_json_for_a_refused_file(tmp_path):
    odd = tmp_path / "odd.txt"
    odd.write_text(ODD, encoding="utf-8")
    done = yusuan("read", odd, "-o", tmp_path / "out")
    assert done.returncode == 2
    data = json.loads((tmp_path / "out" / "problems.json").read_text(encoding="utf-8"))
    assert data["status"] == "unreadable" and data["titles"] == ["某某局收支情况表", "2023年某个总表"]
    assert "of no template yusuan knows" in data["problems"][0]["message"]
    assert not (tmp_path / "out" / "report.json").exists()


def test_a_folder_lists_the_refused_like_the_read(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "odd.txt").write_text(ODD, encoding="utf-8")
    (folder / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    done = yusuan("check", folder, "-f", "json", "--jobs", "1")
    entries = {Path(e["input"]).name: e for e in json.loads(done.stdout)["inputs"]}
    assert entries["odd.txt"]["status"] == "unreadable" and entries["odd.txt"]["titles"]
    assert entries["seed.txt"]["counts"]["error"] == 6
    read = yusuan("read", folder, "-o", tmp_path / "out", "--jobs", "1")
    assert read.returncode == 2
    assert json.loads((tmp_path / "out" / "odd" / "problems.json").read_text(encoding="utf-8"))["status"] == "unreadable"
    assert (tmp_path / "out" / "seed" / "report.json").exists() and not (tmp_path / "out" / "seed" / "problems.json").exists()

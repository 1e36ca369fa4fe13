"""Budget YAML load time: PyYAML's pure-Python loader (what yusuan used) against the libyaml one
(what it uses), both measured in this run, on the seed's budget and on it scaled 10× and 100×
(benchmarks/scaled_budget.py). All use the same constructors (exact decimals, line numbers);
"pure" is the pure parser with today's composer (the loader yusuan falls back on without
libyaml); "libyaml, nodes" the libyaml loader composing nodes and calling constructors (what
load_yaml did before it built the usual budget straight from libyaml's events, and still does
for anchors, tags and the like). Prints figures, asserts nothing.

    python benchmarks/bench_load.py [--factors 1,10,100]
"""
from __future__ import annotations

import argparse
import gc
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scaled_budget import SEED, dump, scaled, seed_data  # noqa: E402

from timing import best  # noqa: E402 — benchmarks/timing.py, beside this script
from yusuan.read.budget_yaml import _LineLoader, _PureLineLoader, load_yaml, read_budget  # noqa: E402


class _Before(yaml.SafeLoader):
    """The loader as it was: PyYAML's pure SafeLoader, its recursive Composer, the same constructors."""


_Before.yaml_constructors = dict(_PureLineLoader.yaml_constructors)



def parse(text: str, loader, collect: bool) -> None:
    """One load of ``text``; ``collect``: with the cyclic collector running, as yusuan loaded before."""
    if not collect:
        gc.disable()
    try:
        yaml.load(text, Loader=loader)
    finally:
        gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--factors", default="1,10,100")
    args = parser.parse_args()
    print(f"PyYAML {yaml.__version__}, libyaml {'yes' if getattr(yaml, '__with_libyaml__', False) else 'NO (both are pure)'}; "
          f"the loader's parser: {'CSafeLoader' if hasattr(yaml, 'CSafeLoader') and issubclass(_LineLoader, yaml.CSafeLoader) else 'SafeLoader'}")
    seed = seed_data()
    print(f"{'budget':>14} {'KB':>7} {'pure, gc (old)':>15} {'pure':>8} {'libyaml, gc':>12} {'libyaml, nodes':>15} "
          f"{'libyaml (new)':>14} {'speed-up':>9} {'read_budget':>12}")
    with tempfile.TemporaryDirectory() as folder:
        for factor in (int(f) for f in args.factors.split(",")):
            if factor == 1:
                path, name = SEED, "seed"
            else:
                path, name = Path(folder) / f"x{factor}.yaml", f"seed ×{factor}"
                path.write_text(dump(scaled(seed, factor)), encoding="utf-8")
            text = path.read_text(encoding="utf-8")
            repeat = max(1, min(20, 100 // factor))
            old = best(lambda: parse(text, _Before, True), repeat)
            pure = best(lambda: parse(text, _PureLineLoader, False), repeat)
            fast_gc = best(lambda: parse(text, _LineLoader, True), repeat)
            nodes = best(lambda: parse(text, _LineLoader, False), repeat)
            new = best(lambda: load_yaml(path), repeat)
            whole = best(lambda: read_budget(path), repeat)
            print(f"{name:>14} {len(text.encode()) / 1024:>7.0f} {old * 1000:>12.1f} ms {pure * 1000:>5.1f} ms "
                  f"{fast_gc * 1000:>9.1f} ms {nodes * 1000:>12.1f} ms {new * 1000:>11.1f} ms {old / new:>8.1f}× {whole * 1000:>9.1f} ms")
    print("(pure, gc: the loader as it was, PyYAML's pure SafeLoader with the cyclic collector on; libyaml (new): "
          "load_yaml as it is now; read_budget adds the model's validation and the code and consistency checks)")


if __name__ == "__main__":
    main()

"""The CLI spares pydantic's plugin loader (importlib.metadata) when plugins are disabled
(yusuan/cli.py: _skip_plugin_loader); a pydantic that asks its loader for more than
get_plugins still gets the real thing."""
from __future__ import annotations

import subprocess
import sys

PROBE = r'''
import os, sys
os.environ["PYDANTIC_DISABLE_PLUGINS"] = "__all__"
import yusuan.cli
loader = sys.modules["pydantic.plugin._loader"]
print("stub" if "yusuan" in (loader.__doc__ or "") else "real", "importlib.metadata" in sys.modules)
from yusuan.report import Report  # pydantic builds the models' validators through the loader
Report.model_validate({"year": 2024, "unit_name": "x"})
print(list(loader.get_plugins()), "importlib.metadata" in sys.modules, sys.modules["pydantic.plugin._loader"] is loader)
from pydantic.plugin._loader import _plugins  # not in the stub: the real module answers
print(type(_plugins).__name__, sys.modules["pydantic.plugin._loader"] is not loader)
'''


def test_the_stub_loads_no_metadata_and_hands_over_to_the_real_loader():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True)
    first, plugins, real = done.stdout.splitlines()
    assert first == "stub False"
    assert plugins == "[] False True"  # still the stub, and no metadata read, once models are in use
    assert real.endswith(" True")

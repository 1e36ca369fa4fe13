# The two set-up commands of the README: `make demo` and `make test`.
PY ?= python3
EXAMPLE = examples/tunliu-police-2024/budget.yaml
FORMATS ?= json,text,html,pdf,xlsx,docx

.PHONY: install demo test bench audit

# An editable install compiles nothing, and with PYTHONDONTWRITEBYTECODE=1 (as on some machines)
# every command would compile each module it imports from source (~100 ms of a cold start):
# compiled once here, as a regular pip install does (a module edited later is compiled again).
install:
	./scripts/install-debian-packages.sh
	$(PY) -m pip install -q -e '.[test]'
	$(PY) -m compileall -q yusuan

demo: install
	$(PY) -m yusuan.cli build $(EXAMPLE) --format $(FORMATS) -o out/

test: install
	./scripts/install-debian-packages.sh tests
	$(PY) -m pytest

bench: install
	for b in benchmarks/bench_*.py; do $(PY) $$b || exit 1; done

# Known vulnerabilities in the installed packages (best effort, not part of `make test`: it needs
# the advisory database online). pip-audit exits non-zero when it finds one.
audit: install
	$(PY) -m pip install -q pip-audit || { echo "pip-audit could not be installed: audit skipped"; exit 0; }
	$(PY) -m pip_audit --progress-spinner off --skip-editable

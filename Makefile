# Two commands for a new user: `make demo` renders the example video, `make test` runs the tests.
# Each installs what it needs (Debian packages, then a virtual environment in .venv/).
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed
DEMO ?= scripts/notre-mission.yaml

.PHONY: demo test test-fast bench install clean lint pico

demo: $(STAMP)
	$(VENV)/bin/render $(DEMO)

test: $(STAMP)
	$(VENV)/bin/python -m pytest

test-fast: $(STAMP)
	$(VENV)/bin/python -m pytest -m "not slow"

bench: $(STAMP)
	$(VENV)/bin/python bench/run.py

# ruff (lint + format), mypy --strict on the packages, and the import contracts (pyproject.toml)
lint: $(STAMP)
	$(VENV)/bin/ruff check contract scenes render upload records tests bench
	$(VENV)/bin/ruff format --check contract scenes render upload records tests bench
	$(VENV)/bin/mypy contract scenes render upload records
	$(VENV)/bin/lint-imports

install: $(STAMP)

# optional, on purpose: SVOX Pico for `voice: {engine: pico}` (Debian non-free; the machine's
# package sources are left as they are). Nothing else depends on it.
pico:
	bash tools/install-pico.sh

$(STAMP): pyproject.toml tools/install-system-deps.sh
	bash tools/install-system-deps.sh
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install -q --upgrade pip
	$(VENV)/bin/python -m pip install -q -e '.[test]'
	touch $@

clean:
	rm -rf build $(VENV)

# govai — two commands do all set-up on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
GOVAI := $(VENV)/bin/govai
STAMP := $(VENV)/.installed
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: install demo test lint lab lab-instructor hub release check-release clean

install: $(STAMP)

# Rebuilt only when what it depends on changed, so a second `make install` is instant.
$(STAMP): pyproject.toml constraints.txt scripts/install-system-deps.sh scripts/install-lrs.sh scripts/lrs-constraints.txt $(wildcard src/govai/lab/langpack/*.py src/govai/lab/langpack/*.yaml)
	bash scripts/install-system-deps.sh
	PYTHON=$(PYTHON) bash scripts/install-lrs.sh
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[dev]'
	@if $(PY) -c "import govai.lab.langpack" 2>/dev/null; then $(PY) -m govai.lab.langpack install; fi
	touch $(STAMP)

demo: install
	$(GOVAI) demo

# Lint and type check, unit and integration tests, then every lesson and master notebook under nbval (2 workers).
# Learners' progress during tests goes to var/test-home, never to the tester's ~/.govai.
test: install
	$(PY) -m ruff check src tests bench
	$(PY) -m mypy
	GOVAI_HOME=$(CURDIR)/var/test-home $(PY) -m pytest -n 2 --dist loadscope --durations=15 \
		--nbval-lax --nbval-current-env --nbval-cell-timeout=300 -p no:cacheprovider \
		tests notebooks source $(PYTEST_ARGS)

# Lint rules and the type check ([tool.ruff], [tool.mypy] in pyproject.toml; mypy checks src/govai).
lint: install
	$(PY) -m ruff check src tests bench
	$(PY) -m mypy

# Learners: JupyterLab on the workbook, Traditional Chinese interface, no instructor panels.
lab: install
	$(GOVAI) lab

# Instructors: the same JupyterLab with nbgrader's Create Assignment and Formgrader panels.
lab-instructor: install
	$(GOVAI) lab --instructor

# A pilot class on this machine: JupyterHub (PyPI), configurable-http-proxy (npm, in .node/),
# local accounts and PostgreSQL (docs/hub.md). ROSTER=學員名冊.csv INSTRUCTOR=teacher PORT=8000.
ROSTER ?=
INSTRUCTOR ?= teacher
PORT ?= 8000
hub: install
	$(GOVAI) hub setup --instructor $(INSTRUCTOR) --port $(PORT) $(if $(ROSTER),--roster $(ROSTER))
	$(GOVAI) hub start

release: install
	$(GOVAI) release

check-release: install
	$(GOVAI) release --check

clean:
	rm -rf $(VENV) .venv-lrs build .pytest_cache

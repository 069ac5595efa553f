# The two commands: `make run` serves the dashboard, `make test` runs every test.
# Both create the virtual environment and install the pinned requirements when needed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= $(or $(IK_MONITOR_DB),data/monitor.duckdb)
PORT ?= 8501

.PHONY: run test demo bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

$(DB): | $(STAMP)
	IK_MONITOR_DB=$(DB) $(PY) -m etl demo

run: $(STAMP) $(DB)
	IK_MONITOR_DB=$(DB) $(PY) -m ui.serve --server.port $(PORT)

test: $(STAMP)
	$(PY) -m pytest -n 2 --dist loadgroup -q

demo: $(STAMP)
	rm -f $(DB) $(DB).wal
	IK_MONITOR_DB=$(DB) $(PY) -m etl demo

bench: $(STAMP) $(DB)
	IK_MONITOR_DB=$(DB) $(PY) bench/etl.py
	IK_MONITOR_DB=$(DB) $(PY) bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache

# The two commands: `make run` serves the dashboard, `make test` runs every test.
# Both create the virtual environment and install the pinned requirements when needed.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DB ?= $(or $(IK_MONITOR_DB),data/monitor.duckdb)
# releases beside the store (monitor.release.releases_dir): data/monitor.duckdb -> data/monitor-releases/
RELEASES := $(basename $(DB))-releases
PORT ?= 8501
# the dates `make test-clock` moves the test session's clock to
CLOCKS ?= 2027-07-01 2030-01-01

.PHONY: run test test-clock lint prereqs demo bench clean

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

$(DB): | $(STAMP)
	IK_MONITOR_DB=$(DB) $(PY) -m etl demo

# the demo data's first release: public pages show only released figures
$(RELEASES)/LATEST: | $(DB)
	IK_MONITOR_DB=$(DB) $(PY) -m etl release --user demo --note "Demodaten: erste Veröffentlichung"

run: $(STAMP) $(DB) $(RELEASES)/LATEST
	IK_MONITOR_DB=$(DB) $(PY) -m ui.serve --server.port $(PORT)

# system packages first (one line naming what is missing), then lint, then the suite
prereqs:
	@$(PYTHON) tools/prereqs.py

lint: $(STAMP)
	$(VENV)/bin/ruff check --quiet .

test: prereqs $(STAMP) lint
	$(PY) -m pytest -n 2 --dist loadgroup -q

# the suite once more per date in CLOCKS, with the session's clock moved there (no test may depend on the day)
test-clock: prereqs $(STAMP)
	@for clock in $(CLOCKS); do \
	  echo "== test suite with the clock at $$clock"; \
	  IK_TEST_CLOCK=$$clock $(PY) -m pytest -n 2 --dist loadgroup -q || exit 1; \
	done

demo: $(STAMP)
	rm -rf $(DB) $(DB).wal $(basename $(DB)).read.duckdb $(RELEASES)
	IK_MONITOR_DB=$(DB) $(PY) -m etl demo
	IK_MONITOR_DB=$(DB) $(PY) -m etl release --user demo --note "Demodaten: erste Veröffentlichung"

bench: $(STAMP) $(DB) $(RELEASES)/LATEST
	IK_MONITOR_DB=$(DB) $(PY) bench/etl.py
	IK_MONITOR_DB=$(DB) $(PY) bench/pages.py

clean:
	rm -rf $(VENV) .pytest_cache

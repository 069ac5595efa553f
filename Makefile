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

# the English catalogue: edited as .po (make i18n brings new texts in), compiled on install
PO := locale/en/LC_MESSAGES/ik_monitor.po
MO := $(PO:.po=.mo)
I18N_KEYWORDS := -k _ -k N_ -k NP_:1c,2 -k n_:1,2 -k p_:1c,2 -k translate -k ntranslate:1,2 -k ptranslate:1c,2

.PHONY: run test test-clock lint prereqs demo bench clean i18n run-multi

$(STAMP): requirements.txt requirements-dev.txt constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt -c constraints.txt
	touch $(STAMP)

$(MO): $(PO) | $(STAMP)
	$(PY) tools/i18n.py compile

# after changing texts: extract the German message ids, bring them into the English catalogue (new ones empty,
# changed ones fuzzy); translate there, then `make test` fails until every message has its translation
i18n: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg --no-default-keywords $(I18N_KEYWORDS) --sort-by-file --no-wrap \
	  --project=IK-Monitor -o locale/ik_monitor.pot .
	$(VENV)/bin/pybabel update -i locale/ik_monitor.pot -D ik_monitor -d locale -l en --no-wrap
	@$(PY) tools/i18n.py check || true

$(DB): | $(STAMP) $(MO)
	IK_MONITOR_DB=$(DB) $(PY) -m etl demo

# the demo data's first release: public pages show only released figures
$(RELEASES)/LATEST: | $(DB)
	IK_MONITOR_DB=$(DB) $(PY) -m etl release --user demo --note "Demodaten: erste Veröffentlichung"

run: $(STAMP) $(MO) $(DB) $(RELEASES)/LATEST
	IK_MONITOR_DB=$(DB) $(PY) -m ui.serve --server.port $(PORT)

# system packages first (one line naming what is missing), then lint, then the suite
prereqs:
	@$(PYTHON) tools/prereqs.py

lint: $(STAMP)
	$(VENV)/bin/ruff check --quiet .

test: prereqs $(STAMP) $(MO) lint
	$(PY) -m pytest -n 2 --dist loadgroup -q

# the suite once more per date in CLOCKS, with the session's clock moved there (no test may depend on the day);
# the browser tests are left out: their app runs in a server process the moved clock does not reach
test-clock: prereqs $(STAMP) $(MO)
	@for clock in $(CLOCKS); do \
	  echo "== test suite with the clock at $$clock"; \
	  IK_TEST_CLOCK=$$clock $(PY) -m pytest -n 2 --dist loadgroup -q -m "not browser" || exit 1; \
	done

demo: $(STAMP) $(MO)
	rm -rf $(DB) $(DB).wal $(basename $(DB)).read.duckdb $(RELEASES)
	IK_MONITOR_DB=$(DB) $(PY) -m etl demo
	IK_MONITOR_DB=$(DB) $(PY) -m etl release --user demo --note "Demodaten: erste Veröffentlichung"

bench: $(STAMP) $(MO) $(DB) $(RELEASES)/LATEST
	IK_MONITOR_DB=$(DB) $(PY) bench/etl.py
	IK_MONITOR_DB=$(DB) $(PY) bench/pages.py
	IK_MONITOR_DB=$(DB) $(PY) bench/release.py
	IK_MONITOR_DB=$(DB) $(PY) bench/exports.py
	# writers, readers and the app at once (issue #9); exits non-zero when a target is missed, which is reported
	-IK_MONITOR_DB=$(DB) $(PY) bench/concurrency.py --db $(DB)
	IK_MONITOR_DB=$(DB) $(PY) bench/processes.py

clean:
	rm -rf $(VENV) .pytest_cache

# several app processes behind Debian's nginx with sticky sessions (docs/operating.md, section 7): nginx on PORT,
# the processes on the ports after it; Ctrl-C stops them all
PROCESSES ?= 2
run-multi: $(STAMP) $(MO) $(DB) $(RELEASES)/LATEST
	IK_MONITOR_DB=$(DB) $(PY) tools/multi.py --processes $(PROCESSES) --port $(PORT)

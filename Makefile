# Duikou: `make demo` and `make test` are the two commands of the quick start.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/duikou
PYTEST := $(BIN)/pytest
# The suite on both cores (pytest-xdist); the demo modules share one demo load on one worker.
TEST_JOBS ?= 2
XDIST := -n $(TEST_JOBS) --dist loadgroup
# The SQLite and PostgreSQL suites one after the other (1) or side by side (2): side by side
# overloads two cores and the tests that time the planner fail.
SUITE_JOBS ?= 1
# Each suite its own data dir (secret key, uploads), so they can run side by side.
TEST_DATA := $(or $(DUIKOU_DATA_DIR),var)/test

.PHONY: install demo serve test test-quick test-suites lint format check-migrations test-sqlite test-pg test-browser messages bench clean

$(STAMP): pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/duikou demo

serve: install
	$(BIN)/duikou runserver 127.0.0.1:8000

# Everything, nothing skipped in CI (CI=true): lint, migrations, then the suite on SQLite and on
# PostgreSQL (each printed whole when it ends, with its summary line; both run even if one
# fails), then the browser tests. The long sweeps (URL × role, junk parameters, every export)
# run once, on PostgreSQL (DUIKOU_SWEEPS=once; tests/conftest.py). Outside CI a missing
# PostgreSQL or Chromium skips those tests with one line.
test: install lint check-migrations
	@scripts/setup-test-env
	@status=0; \
	DUIKOU_SWEEPS=once $(MAKE) --no-print-directory -k -j$(SUITE_JOBS) --output-sync=target test-sqlite test-pg \
	  || status=1; \
	$(MAKE) --no-print-directory test-browser || status=1; \
	exit $$status

# The quick loop: neither the slow tests (the demo modules, fuzzing, planner runs) nor the browser.
test-quick: install
	DUIKOU_DATA_DIR=$(TEST_DATA)/sqlite $(PYTEST) $(XDIST) -m "not slow and not browser"

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: install
	$(BIN)/duikou makemigrations --check --dry-run

# `duikou check` first writes the data dir's secret key, which the workers then share.
test-sqlite: install
	@echo "== the suite on SQLite"
	@DUIKOU_DATA_DIR=$(TEST_DATA)/sqlite $(BIN)/duikou check >/dev/null
	DUIKOU_DATA_DIR=$(TEST_DATA)/sqlite $(PYTEST) $(XDIST) -m "not browser" --durations=12

# The test sessions do not wait for the WAL flush (PGOPTIONS, per session): ~10% faster.
test-pg: install
	@echo "== the suite on PostgreSQL ($(PG_URL))"
	@PG_URL=$(PG_URL) scripts/setup-test-env --run-if postgresql -- sh -c '\
	  DUIKOU_DATA_DIR=$(TEST_DATA)/pg $(BIN)/duikou check >/dev/null && \
	  DATABASE_URL=$(PG_URL) DUIKOU_DATA_DIR=$(TEST_DATA)/pg PGOPTIONS="-c synchronous_commit=off" \
	  $(PYTEST) $(XDIST) -m "not browser" --durations=12'

test-browser: install
	@echo "== the browser tests (Chromium)"
	@scripts/setup-test-env --run-if chromium -- env DJANGO_ALLOW_ASYNC_UNSAFE=true \
	  DUIKOU_DATA_DIR=$(TEST_DATA)/browser $(PYTEST) -m browser --durations=12

messages: install
	$(BIN)/duikou makemessages -l en --no-obsolete -i "*/migrations/*" -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"
	$(BIN)/duikou compilemessages -l en -l zh_Hans -i .venv

bench: install
	$(BIN)/python bench/import_flows.py
	$(BIN)/python bench/planning_bench.py
	$(BIN)/python bench/orders_platform.py
	$(BIN)/python bench/export_rss.py
	$(BIN)/python bench/scale.py --runs 5

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

# The load test (docs/deploy.md): two gunicorn masters, two workers, PostgreSQL, 50 users for
# 5 minutes; locust is the optional extra [load]. MINUTES=0.3 USERS=5 for a smoke run.
.PHONY: loadtest
loadtest: install
	$(BIN)/pip install --quiet -e ".[load]"
	$(BIN)/python bench/loadtest.py --minutes $(or $(MINUTES),5) --users $(or $(USERS),50)

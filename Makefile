# Duikou: `make demo` and `make test` are the two commands of the quick start.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/duikou
PYTEST := $(BIN)/pytest

.PHONY: install demo serve test lint format check-migrations test-sqlite test-pg test-browser messages bench clean

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

test: install lint check-migrations test-sqlite test-pg test-browser

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

check-migrations: install
	$(BIN)/duikou makemigrations --check --dry-run

test-sqlite: install
	$(PYTEST) -m "not browser"

test-pg: install
	DATABASE_URL=$(PG_URL) $(PYTEST) -m "not browser"

test-browser: install
	DJANGO_ALLOW_ASYNC_UNSAFE=true $(PYTEST) -m browser

messages: install
	$(BIN)/duikou makemessages -l en --no-obsolete -i "*/migrations/*" -i ".venv/*" -i "var/*" -i "tests/*" -i "bench/*"
	$(BIN)/duikou compilemessages -l en -i .venv

bench: install
	$(BIN)/python bench/import_flows.py
	$(BIN)/python bench/planning_bench.py
	$(BIN)/python bench/orders_platform.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

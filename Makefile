# Caja: `make serve` to run it, `make test` to check everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/caja_test
export CAJA_DATABASE_URL ?= sqlite:///./caja.db

.PHONY: serve test install ui lint typecheck test-sqlite test-postgres test-ui test-slow test-infra test-newest lock clean
# pytest-xdist workers for the database lanes (`make test PYTEST_WORKERS=0` runs them in one process).
PYTEST_WORKERS ?= 2
PYTEST := $(BIN)/pytest -q -p no:cacheprovider
LANES := lint typecheck test-sqlite test-postgres test-ui test-slow --beside test-infra

## install: the virtual environment with pinned dependencies (requirements/dev.lock)
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

## ui: build the web UI into src/caja_server/static when frontend/ changed since the last build
## (the same step that puts it into the wheel and the sdist: hatch_build.py)
ui:
	$(PYTHON) hatch_build.py

## serve: install, migrate the embedded SQLite database, build the UI, start on :8000
serve: install ui
	$(BIN)/caja-server migrate
	$(BIN)/caja-server --host 127.0.0.1 --port 8000

## test: every lane below in turn (it goes on after a failed one), then the time of each
test: install
	@bash scripts/lanes.sh $(LANES)

lint: install
	$(BIN)/ruff check src tests bench examples hatch_build.py
	$(BIN)/ruff format --check src tests bench examples hatch_build.py
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

## test-sqlite: the suite on SQLite, but the slow tests (test-slow)
test-sqlite: install
	CAJA_TEST_DATABASE_URL=sqlite $(PYTEST) -n $(PYTEST_WORKERS) -m "not slow"

## test-postgres: the tests that use a database, on PostgreSQL, but the slow ones (test-slow)
test-postgres: install
	bash scripts/ensure-postgres.sh
	CAJA_TEST_DATABASE_URL=$(PG_URL) CAJA_TEST_DB_ONLY=1 $(PYTEST) -n $(PYTEST_WORKERS) -m "not slow"

# The slow lane keeps each file on one worker (its module fixtures build and start things once)
# but hands out the tests in tests/conftest.py's SPREAD one by one, after the files.
SLOW_DIST := --dist loadfile --no-loadscope-reorder
## test-slow: the tests marked slow (servers in subprocesses, fresh virtual environments, the
## built wheel, several replicas), on SQLite and then on PostgreSQL; after test-ui, whose
## build of the web UI the wheel reuses
test-slow: install
	bash scripts/ensure-postgres.sh
	bash scripts/ensure-nginx.sh
	CAJA_TEST_DATABASE_URL=sqlite $(PYTEST) -n $(PYTEST_WORKERS) $(SLOW_DIST) -m slow
	CAJA_TEST_DATABASE_URL=$(PG_URL) CAJA_TEST_DB_ONLY=1 $(PYTEST) -n $(PYTEST_WORKERS) $(SLOW_DIST) -m slow

test-ui:
	@if [ -f frontend/package.json ]; then bash scripts/test-ui.sh; else echo "no frontend yet"; fi

test-infra: install
	@if [ -f scripts/check-infra.sh ]; then bash scripts/check-infra.sh; else echo "no infrastructure yet"; fi

## test-newest: the suite (but the slow lane) on SQLite and PostgreSQL with the newest releases
## that pyproject.toml's ranges allow, in a fresh .venv-newest: a release that breaks Caja
## fails here, not in a user's environment. Not part of `make test` (it downloads, and would
## take `make test` past its 15 minutes); run it before a release and after `make lock`.
NEWEST := .venv-newest
test-newest:
	rm -rf $(NEWEST)
	$(PYTHON) -m venv $(NEWEST)
	$(NEWEST)/bin/python -m pip install -q --upgrade pip
	$(NEWEST)/bin/python -m pip install -q --upgrade --upgrade-strategy eager -e ".[dev]"
	@echo "== newer than requirements/dev.lock:"
	@$(NEWEST)/bin/python -m pip list --format=freeze | sort | comm -23 - <(grep -E '^[A-Za-z0-9]' requirements/dev.lock | sort) | grep -v '^caja==' || true
	bash scripts/ensure-postgres.sh
	CAJA_TEST_DATABASE_URL=sqlite $(NEWEST)/bin/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) -m "not slow"
	CAJA_TEST_DATABASE_URL=$(PG_URL) CAJA_TEST_DB_ONLY=1 $(NEWEST)/bin/pytest -q -p no:cacheprovider -n $(PYTEST_WORKERS) -m "not slow"

## lock: re-pin requirements/*.lock from pyproject.toml
lock: install
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements/dev.lock -q --python-version 3.11
	$(BIN)/uv pip compile pyproject.toml -o requirements/prod.lock -q --python-version 3.11

clean:
	rm -rf $(VENV) $(NEWEST) frontend/node_modules src/caja_server/static caja.db caja.db-wal caja.db-shm

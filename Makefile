# Caja: `make serve` to run it, `make test` to check everything.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/caja_test
export CAJA_DATABASE_URL ?= sqlite:///./caja.db

.PHONY: serve test install ui lint typecheck test-sqlite test-postgres test-ui test-infra test-e2e lock clean

## install: the virtual environment with pinned dependencies (requirements/dev.lock)
install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements/dev.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -r requirements/dev.lock
	$(BIN)/python -m pip install -q --no-deps -e .
	touch $@

## ui: build the web UI into src/caja_server/static (when there is a frontend)
ui:
	@if [ -f frontend/package.json ]; then \
	  cd frontend && npm ci --no-audit --no-fund --loglevel=error && npm run build; \
	else echo "no frontend yet: serving the API only"; fi

## serve: install, migrate the embedded SQLite database, build the UI, start on :8000
serve: install ui
	$(BIN)/caja-server migrate
	$(BIN)/caja-server --host 127.0.0.1 --port 8000

## test: lint, type check, the whole suite on SQLite and on PostgreSQL, UI and infra checks
test: install lint typecheck test-sqlite test-postgres test-ui test-infra

lint: install
	$(BIN)/ruff check src tests bench examples
	$(BIN)/ruff format --check src tests bench examples
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy

test-sqlite: install
	CAJA_TEST_DATABASE_URL=sqlite $(BIN)/pytest -q -p no:cacheprovider

test-postgres: install
	bash scripts/ensure-postgres.sh
	CAJA_TEST_DATABASE_URL=$(PG_URL) CAJA_TEST_DB_ONLY=1 $(BIN)/pytest -q -p no:cacheprovider

test-ui:
	@if [ -f frontend/package.json ]; then bash scripts/test-ui.sh; else echo "no frontend yet"; fi

test-infra: install
	@if [ -f scripts/check-infra.sh ]; then bash scripts/check-infra.sh; else echo "no infrastructure yet"; fi

## lock: re-pin requirements/*.lock from pyproject.toml
lock: install
	$(BIN)/python -m pip install -q uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --extra dev -o requirements/dev.lock -q --python-version 3.11
	$(BIN)/uv pip compile pyproject.toml -o requirements/prod.lock -q --python-version 3.11

clean:
	rm -rf $(VENV) frontend/node_modules src/caja_server/static caja.db caja.db-wal caja.db-shm

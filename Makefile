# Casebook — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000

.PHONY: run test install install-dev lint format vendor clean

$(BIN)/casebook: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(BIN)/casebook pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/casebook

install-dev: $(VENV)/.dev-installed

## make run: venv, install, migrate, demo data on an empty database, serve on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/casebook db upgrade
	$(BIN)/casebook seed-demo --if-empty
	$(BIN)/casebook serve --port $(PORT)

## make test: the whole suite
test: install-dev
	$(BIN)/python -m pytest

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make vendor: refresh the NL Design System CSS under casebook/static/vendor/
vendor:
	scripts/vendor.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache

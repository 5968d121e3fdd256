# Casebook — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PORT   ?= 5000

.PHONY: run test mutate install install-dev lint format vendor clean translations translations-compile translations-check

# Compiled translations (.mo) are build output, made from the committed .po files.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard translations/*/LC_MESSAGES/messages.po))

$(BIN)/casebook: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.dev-installed: $(BIN)/casebook pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@

install: $(BIN)/casebook $(MO_FILES)

install-dev: $(VENV)/.dev-installed $(MO_FILES)

$(MO_FILES): %.mo: %.po | $(BIN)/casebook
	$(BIN)/python -m casebook.i18n_catalogs compile

## make translations: extract the strings, update translations/{nl,en}, fill nl, compile; then translate en
translations: install
	$(BIN)/python -m casebook.i18n_catalogs update
	@$(BIN)/python -m casebook.i18n_catalogs check || echo "make translations: write the English for the entries above, then run make translations again"

translations-compile: install
	$(BIN)/python -m casebook.i18n_catalogs compile

## make translations-check: fail when a string is missing from a catalogue, untranslated or fuzzy
translations-check: install
	$(BIN)/python -m casebook.i18n_catalogs check

## make run: venv, install, migrate, demo data on an empty database, serve on http://127.0.0.1:$(PORT)
run: install
	$(BIN)/casebook db upgrade
	$(BIN)/casebook seed-demo --if-empty
	$(BIN)/casebook serve --port $(PORT)

## make test: the whole suite
test: install-dev
	$(BIN)/python -m pytest

## make mutate: mutation testing of the trust core with mutmut (slow; not part of `make test`).
## MUTANTS='casebook.audit.chain.*' limits it to one module; results are kept in mutants/ between runs.
MUTANTS      ?=
MUTATE_JOBS  ?= 2
mutate: install-dev
	nice -n 10 $(BIN)/mutmut run --max-children $(MUTATE_JOBS) $(MUTANTS)
	$(BIN)/mutmut results

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

## make bench-load / bench-faults / bench-soak: the served app (gunicorn, 2 workers) on a throwaway
## PostgreSQL database and a Redis of its own, driven by locust; exit 1 when a check fails.
## LOAD_ARGS='--users 20 --duration 60' changes the size. Needs redis-server and PostgreSQL.
.PHONY: bench-load bench-faults bench-soak
LOAD_ARGS ?=
$(VENV)/.load-installed: $(BIN)/casebook pyproject.toml
	$(BIN)/pip install --quiet -e '.[redis,load]'
	@touch $@

bench-load: $(VENV)/.load-installed $(MO_FILES)
	$(BIN)/python -m bench.load load --output bench/load/results/load.json $(LOAD_ARGS)

bench-faults: $(VENV)/.load-installed $(MO_FILES)
	$(BIN)/python -m bench.load faults --output bench/load/results/faults.json $(LOAD_ARGS)

bench-soak: $(VENV)/.load-installed $(MO_FILES)
	$(BIN)/python -m bench.load soak --output bench/load/results/soak.json $(LOAD_ARGS)

## make vendor: refresh the NL Design System CSS under casebook/static/vendor/
vendor:
	scripts/vendor.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache mutants
	rm -f translations/*/LC_MESSAGES/*.mo

# ossa: `make run` serves the API, `make test` runs every check. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
WEB_CONCURRENCY ?= 2
export OSSA_DATABASE ?= $(CURDIR)/var/ossa.db

.PHONY: run test lint lint-contract db examples bench bench-search clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

db: $(BIN)/.installed  ## Build the database if it is missing or outdated
	$(BIN)/flask --app api db build --if-outdated

run: db  ## Serve the API on 127.0.0.1:$(PORT) with gunicorn
	$(BIN)/gunicorn --config gunicorn.conf.py --bind 127.0.0.1:$(PORT) \
		--workers $(WEB_CONCURRENCY) 'api:create_app()'

lint: $(BIN)/.installed  ## Run ruff
	$(BIN)/ruff check .

lint-contract:  ## Lint openapi.yaml with Redocly's recommended rules (needs Node.js)
	npx --yes @redocly/cli@2 lint openapi.yaml

test: db lint  ## Lint, then run the whole test suite (unit, API, contract, fuzz)
	$(BIN)/python -m pytest

examples: db  ## Regenerate the contract's examples from the current data
	$(BIN)/flask --app api contract examples

bench: db  ## Measure req/s and latency against a gunicorn server on 127.0.0.1
	$(BIN)/python bench/bench.py

bench-search: $(BIN)/.installed  ## Name resolution latency at 1k-200k names, in process
	$(BIN)/python bench/bench_search.py

clean:  ## Remove the virtualenv and the built database
	rm -rf $(VENV) var

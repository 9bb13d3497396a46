# ossa: `make run` serves the API, `make test` runs every check. Both set everything up first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
WEB_CONCURRENCY ?= 2
export OSSA_DATABASE ?= $(CURDIR)/var/ossa.db

.PHONY: run test lint lint-contract db services audit examples bench bench-search clean help

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed 's/:.*## /\t/'

$(BIN)/.installed: pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

db: $(BIN)/.installed  ## Build the database if it is missing or outdated
	$(BIN)/flask --app api db build --if-outdated

run: db  ## Serve the API on 127.0.0.1:$(PORT): nginx (when installed) in front of gunicorn
	WEB_CONCURRENCY=$(WEB_CONCURRENCY) PORT=$(PORT) $(BIN)/python -m serving.run

services:  ## Install redis-server and nginx for the tests when missing (Debian/Ubuntu, as root)
	@command -v redis-server >/dev/null 2>&1 && command -v nginx >/dev/null 2>&1 \
		|| test -x /usr/sbin/nginx -a -n "$$(command -v redis-server)" || { \
		echo "installing redis-server and nginx-light for the serving and Redis tests"; \
		apt-get update -qq && apt-get install -y -qq redis-server nginx-light >/dev/null; }

lint: $(BIN)/.installed  ## Run ruff
	$(BIN)/ruff check .

# Contract linters, pinned, installed once into var/contract-lint from the npm registry.
LINTERS := var/contract-lint/node_modules/.bin
$(LINTERS)/spectral:
	@command -v npm >/dev/null 2>&1 || { echo "installing Node.js and npm (Debian packages) for the contract linters"; \
		apt-get update -qq && apt-get install -y -qq nodejs npm >/dev/null; }
	@echo "installing @redocly/cli 2.77.0, @stoplight/spectral-cli 6.16.3 and the OWASP ruleset 2.0.1"
	npm install --silent --no-audit --no-fund --no-save --prefix var/contract-lint \
		@redocly/cli@2.77.0 @stoplight/spectral-cli@6.16.3 @stoplight/spectral-owasp-ruleset@2.0.1

lint-contract: $(LINTERS)/spectral  ## Lint openapi.yaml: Redocly's rules, then Spectral with OWASP's (needs Node.js)
	$(LINTERS)/redocly lint openapi.yaml
	$(LINTERS)/spectral lint -r .spectral.yaml --fail-severity error --display-only-failures openapi.yaml

test: db lint lint-contract services audit  ## Lint code, contract and content, then run every test
	$(BIN)/python -m pytest

audit: $(BIN)/.installed  ## Check every claim's citation and the readability of patient text
	$(BIN)/flask --app api db audit --flags-only

examples: db  ## Regenerate the contract's examples from the current data
	$(BIN)/flask --app api contract examples

$(BIN)/.bench-installed: $(BIN)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	@touch $@

bench: db $(BIN)/.bench-installed  ## ossa vs a constant-JSON ceiling and Datasette, on 127.0.0.1
	@command -v wrk >/dev/null 2>&1 || echo "wrk not found (apt-get install wrk): using the Python load generator"
	$(BIN)/python bench/bench.py

bench-search: $(BIN)/.installed  ## Name resolution latency at 1k-200k names, in process
	$(BIN)/python bench/bench_search.py

clean:  ## Remove the virtualenv and the built database
	rm -rf $(VENV) var

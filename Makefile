# Two commands set everything up on a fresh clone: `make serve` and `make test`.
# Both create .venv and install the project into it; nothing is installed by hand.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# The test server is an instance of its own, on ports of its own, so `make test` never
# touches (or clears) the server an organiser started with `orggraph neo4j start`.
TEST_ENV := ORGGRAPH_NEO4J_INSTANCE=test ORGGRAPH_NEO4J_BOLT_PORT=17687 \
	ORGGRAPH_NEO4J_HTTP_PORT=17474 NEO4J_URI=bolt://127.0.0.1:17687 NEO4J_PASSWORD=orggraph-test \
	ORGGRAPH_FORBID_SKIPS=1

.PHONY: serve test chromium lint format clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

## serve: run the GraphQL service on the embedded store (http://127.0.0.1:8000/graphql)
# No settings of its own: serve uses the same defaults (data folder, signing secret, store) as
# every other command, so `orggraph report`, `token`, `stats`, `export` and `audit` see its data.
serve: $(STAMP)
	$(BIN)/orggraph serve --demo --print-admin-token

## test: start the local Neo4j test server, run every test, stop the server (even on failure)
test: $(STAMP) chromium
	@export $(TEST_ENV); \
	trap '$(BIN)/orggraph neo4j stop' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/orggraph neo4j start && $(BIN)/pytest $(PYTEST_ARGS)

## chromium: Debian's headless Chromium and CJK fonts for the browser tests (skipped if present)
chromium:
	@if [ ! -x /usr/bin/chromium ]; then \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -q && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium fonts-noto-cjk; \
	fi

## lint: formatting, lint and types, as CI checks them
lint: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache test-output

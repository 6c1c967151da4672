# make run   - set up and serve the demo on http://127.0.0.1:$(PORT)
# make test  - set up and run the whole test suite on SQLite and on PostgreSQL
# make bench - print the performance figures
# make load  - the booking rush and the public pages on a national programme's data

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 5000
export PORT
# Test processes in parallel: each has its own scratch database, SMTP server and live servers.
TEST_WORKERS ?= 2

.PHONY: run test test-sqlite test-postgresql bench load lint system-deps clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

system-deps:
	scripts/system-deps.sh

run: $(VENV)/.installed
	scripts/run.sh

test: $(VENV)/.installed system-deps
	$(BIN)/ruff check .
	TEST_DATABASE=sqlite $(BIN)/pytest -q -n $(TEST_WORKERS)
	TEST_DATABASE=postgresql $(BIN)/pytest -q -n $(TEST_WORKERS)

test-sqlite: $(VENV)/.installed
	TEST_DATABASE=sqlite $(BIN)/pytest -x -q

test-postgresql: $(VENV)/.installed
	TEST_DATABASE=postgresql $(BIN)/pytest -x -q

bench: $(VENV)/.installed
	$(BIN)/python -m bench.booking_rush
	$(BIN)/python -m bench.lock_hold
	$(BIN)/python -m bench.booking_in_process
	$(BIN)/python -m bench.packs

load: $(VENV)/.installed
	$(BIN)/python -m bench.booking_rush --clients 500 --capacity 100
	$(BIN)/python -m bench.national

lint: $(VENV)/.installed
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) instance .pytest_cache

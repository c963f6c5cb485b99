# The two commands: `make run` (start the desk) and `make test` (the whole suite).
# Everything else here serves them.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint typecheck pytest bench clean

run: $(VENV)/.run-deps
	$(BIN)/chatdesk serve

test: $(VENV)/.test-deps lint typecheck pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check chatdesk tests bench
	$(BIN)/ruff format --check chatdesk tests bench

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

pytest: $(VENV)/.test-deps
	$(BIN)/pytest

bench: $(VENV)/.test-deps
	$(BIN)/python bench/realtime.py

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.run-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-deps: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e '.[test]'
	touch $@ $(VENV)/.run-deps

clean:
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache

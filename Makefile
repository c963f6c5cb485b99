# The two commands: `make run` (start the desk) and `make test` (the whole suite).
# Everything else here serves them.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin

.PHONY: run test lint typecheck pytest kb-eval bench clean

run: $(VENV)/.run-deps
	$(BIN)/chatdesk serve

test: $(VENV)/.test-deps lint typecheck pytest kb-eval

lint: $(VENV)/.test-deps
	$(BIN)/ruff check chatdesk tests bench
	$(BIN)/ruff format --check chatdesk tests bench

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

pytest: $(VENV)/.test-deps
	$(BIN)/pytest

# The shipped knowledge's regression suite, through the real matcher and policy.
kb-eval: $(VENV)/.test-deps
	$(BIN)/chatdesk kb check knowledge
	$(BIN)/chatdesk kb eval knowledge --max-wrong 0.03 --min-right 0.40 --min-oos-recall 0.90

bench: $(VENV)/.test-deps
	$(BIN)/python bench/realtime.py
	$(BIN)/python bench/bot.py

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

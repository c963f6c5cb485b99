# The two commands: `make run` (start the desk) and `make test` (the whole suite).
# Everything else here serves them.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# The demo desk's configuration for `make run` (a real deployment sets its own).
export CHATDESK_CONFIG_FILE ?= docs/chatdesk.example.toml
# ... and its front page: the demo site with the widget (a real desk shows its help centre).
export CHATDESK_FRONT_PAGE ?= demo

.PHONY: run test lint typecheck pytest kb-eval widget system-deps bench clean

run: $(VENV)/.run-deps widget
	@$(BIN)/chatdesk operators demo
	$(BIN)/chatdesk serve

test: $(VENV)/.test-deps system-deps widget lint typecheck pytest kb-eval

lint: $(VENV)/.test-deps
	$(BIN)/ruff check chatdesk tests bench
	$(BIN)/ruff format --check chatdesk tests bench
	$(BIN)/lint-imports --no-cache

typecheck: $(VENV)/.test-deps
	$(BIN)/mypy

# The suite on both cores of the 2-core machines it must fit 15 minutes on (pytest-xdist:
# each worker starts its own PostgreSQL, Redis and Chromium on free ports; a third worker
# measured no faster: 824 s against 842 on one such machine). PYTEST_WORKERS=0 runs it in
# one process.
PYTEST_WORKERS ?= 2
pytest: $(VENV)/.test-deps
	$(BIN)/pytest -n $(PYTEST_WORKERS)

# The widget and console bundles (widget/, npm + esbuild) into chatdesk/web/static/dist/.
# Without Node the desk still runs and its Python tests still pass; the pages say the
# widget is missing and the browser tests are skipped.
widget:
	@if command -v npm >/dev/null 2>&1; then \
		cd widget && npm ci --no-audit --no-fund --loglevel=error && npm run --silent check && npm run --silent build; \
	else \
		echo "npm not found: the widget is NOT built (install Node.js 18+ to get it)"; \
	fi

# Programs the tests drive: Debian's chromium (browser tests), postgresql (the store's second
# backend), redis-server and dovecot-imapd (IMAP polling), installed when missing and we are
# root; otherwise their tests are skipped with a reason. Their system services are not
# started (a policy-rc.d says no while apt runs): the tests start servers of their own on
# free ports.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v redis-server >/dev/null 2>&1 || missing="$$missing redis-server"; \
	command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ] || missing="$$missing dovecot-imapd"; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then \
		echo "not root:$$missing not installed, their tests will be skipped"; exit 0; \
	fi; \
	echo "installing$$missing (for the tests)"; \
	policy=/usr/sbin/policy-rc.d; ours=""; \
	if [ ! -e $$policy ]; then printf '#!/bin/sh\nexit 101\n' >$$policy; chmod +x $$policy; ours=1; fi; \
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null \
	|| (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null); \
	status=$$?; if [ -n "$$ours" ]; then rm -f $$policy; fi; exit $$status

# The shipped knowledge's regression suite, through the real matcher and policy.
kb-eval: $(VENV)/.test-deps
	$(BIN)/chatdesk kb check knowledge
	$(BIN)/chatdesk kb eval knowledge --max-wrong 0.02 --min-right 0.40 --min-oos-recall 0.95

bench: $(VENV)/.test-deps system-deps
	$(BIN)/python bench/realtime.py
	$(BIN)/python bench/store.py
	$(BIN)/python bench/cluster.py
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
	rm -rf $(VENV) .mypy_cache .pytest_cache .ruff_cache widget/node_modules chatdesk/web/static/dist

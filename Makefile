# ipapp: everything a person needs is `make run` (the demo app) and `make test` (all tests).
#
#   make run              install if needed, prepare the demo database, build if needed, serve
#   make run PORT=8080    the same on another port (a build is valid for one port: rebuilds once)
#   make test             install with test extras, chromium + postgresql + redis-server (apt-get), run all tests
#   make a11y             Lighthouse's accessibility score of every page for every role (prints)
#   make bench            first load (Lighthouse 13 beside a blank Reflex app and a static page), server
#                         CPU per event, loops, 500 sessions, memory, a big plan, 1 vs 2 workers,
#                         reminders/s (prints and writes bench/*.txt; about 15 minutes; no limits)
#
# Needs only Python 3.11, git and make; the rest comes from PyPI/npm (and Debian for the tests).

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help

PORT ?= 3000
PYTHON ?= python3.11
export PYTHON

# Every recipe: the venv's bin first on PATH (Reflex needs its Node 24), npm instead of bun.
VENV_BIN := $(CURDIR)/.venv/bin
export PATH := $(VENV_BIN):$(PATH)
export REFLEX_USE_NPM := 1
export REFLEX_TELEMETRY_ENABLED := false

# The demo: development mode with made-up people (production refuses demo mode).
DEMO_ENV := IPAPP_ENV=development IPAPP_DEMO=1

.PHONY: help run test bench a11y

help:
	@echo "make run     start the demo app on http://localhost:$(PORT) (PORT=8080 to change)"
	@echo "make test    run all tests (installs chromium, postgresql and redis-server with apt-get when allowed)"
	@echo "make bench   measure the first load in a throttled phone-sized Chromium"
	@echo "make a11y    Lighthouse accessibility score of every page for every role"

run:
	@scripts/setup_venv.sh
	@echo "ipapp: preparing the database (migrations, demo data) ..." >&2
	@$(DEMO_ENV) python -m ipapp.cli prepare
	@$(DEMO_ENV) python scripts/devserver.py run --port $(PORT)

test:
	@scripts/setup_venv.sh test
	@scripts/ensure_system_packages.sh
	@# Debian keeps initdb/pg_ctl off PATH; put the newest PostgreSQL's bin at the end of it.
	@pg_bin="$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"; \
	if [[ -n "$$pg_bin" ]]; then export PATH="$$PATH:$$pg_bin"; fi; \
	echo "ipapp: running the tests without a browser, on every core ..." >&2; \
	failed=0; \
	python -m pytest tests --ignore=tests/browser -n auto --dist loadfile || failed=1; \
	echo "ipapp: running the browser tests (one production build, 30-60 s, one server) ..." >&2; \
	python -m pytest tests/browser || failed=1; \
	exit $$failed

a11y:
	@scripts/setup_venv.sh test
	@python scripts/lighthouse_a11y.py

bench:
	@scripts/setup_venv.sh test
	@# Debian's chromium (Lighthouse), postgresql and redis-server (1 vs 2 workers), as for the tests
	@scripts/ensure_system_packages.sh
	@# Lighthouse 13, the blank Reflex app and a static overview beside ipapp: bench/first-load.txt
	@python scripts/bench_first_load.py
	@# Events, loops, 500 sessions, memory, big plan, 1 vs 2 workers (initdb off PATH on Debian): bench/events.txt
	@pg_bin="$$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"; \
	if [[ -n "$$pg_bin" ]]; then export PATH="$$PATH:$$pg_bin"; fi; \
	python scripts/bench_events.py
	@python scripts/bench_reminders.py

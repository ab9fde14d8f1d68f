# Two commands for a newcomer: `make serve` and `make test`. Set-up is idempotent and pinned.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

AXE := tests/axe/node_modules/axe-core/axe.min.js

.PHONY: setup build serve test lint bench browser axe screenshots clean fuzz

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(BIN)/privacy-kb build --strict

serve: build
	$(BIN)/privacy-kb serve --host 127.0.0.1 --port 8000

# The browser tests drive Debian's Chromium; install it when we can (root with apt-get).
browser:
	@test -x $(CHROMIUM) || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] \
	  && apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } \
	  || echo "note: $(CHROMIUM) missing; browser tests will be skipped"

# axe-core for the accessibility test, from the npm registry at the version package-lock.json
# pins (never from a CDN at run time).
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	npm ci --prefix tests/axe --no-audit --no-fund --loglevel=error
	touch $(AXE)

axe: $(AXE)

lint: setup
	$(BIN)/ruff check scripts tests tools

test: setup browser axe lint
	$(BIN)/python -m pytest
	$(BIN)/privacy-kb build --strict
	$(BIN)/privacy-kb check

# PNGs of the home page, a deployment page, an answer page and the matrix, desktop and phone,
# light and dark, for a person to look at (never compared in tests).
screenshots: build browser
	PYTHONPATH=tools $(BIN)/python -m kbtools.screenshots --site-dir site --out build/screenshots

bench: setup
	PYTHONPATH=tools $(BIN)/python -m kbtools.bench
	PYTHONPATH=tools $(BIN)/python -m kbtools.search_bench

# The property-based test of hostile sources, long (make test runs a short, derandomized one).
fuzz: setup
	HYPOTHESIS_PROFILE=long PRIVACY_KB_FUZZ_ALL=1 $(BIN)/python -m pytest tests/test_fuzz.py -q -p no:logging --hypothesis-show-statistics

clean:
	rm -rf site build .pytest_cache .hypothesis

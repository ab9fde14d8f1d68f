# Two commands for a newcomer: `make serve` and `make test`. Set-up is idempotent and pinned.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CHROMIUM ?= /usr/bin/chromium

AXE := tests/axe/node_modules/axe-core/axe.min.js

.PHONY: setup build serve test lint bench browser axe screenshots clean fuzz installed

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

build: setup
	$(BIN)/privacy-kb build --strict

# MkDocs' own server with the privacy-kb plugin: rebuilds and reloads the page after an edit to an
# article, an include, the taxonomy or the overrides. (`privacy-kb serve` serves a built site.)
serve: setup
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

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
	$(MAKE) --no-print-directory installed

# The package as a user installs it (`pip install .`, not editable), run from outside the
# checkout: it must find its own data (base config, theme, schemas, taxonomy) and build a source
# root. Its dependencies are the ones already in .venv.
INSTALLED := build/installed
installed: setup
	rm -rf $(INSTALLED) && mkdir -p $(INSTALLED)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps \
	  --target $(INSTALLED)/lib .
	cp -r content/articles $(INSTALLED)/source-articles
	cd $(INSTALLED) && mkdir -p source && mv source-articles source/articles \
	  && PYTHONPATH=$(CURDIR)/$(INSTALLED)/lib $(CURDIR)/$(BIN)/python -c \
	  "import privacy_kb, sys; sys.exit(0 if privacy_kb.__file__.startswith('$(CURDIR)/$(INSTALLED)/lib/') else 'not the installed package: ' + privacy_kb.__file__)" \
	  && PYTHONPATH=$(CURDIR)/$(INSTALLED)/lib $(CURDIR)/$(BIN)/python -m privacy_kb build \
	  --source source --site-dir out --no-registry > build.log \
	  && test -s out/index.html && test -s out/api/entries.json && test -s out/search/meta.json.gz \
	  && test -s out/assets/privacy-kb-search.js && echo "installed package: built $(INSTALLED)/out"

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
	rm -rf site .site.cache build .pytest_cache .hypothesis

# Two commands a newcomer needs (see README):
#   make serve   set up, build and serve the site of this repository on 127.0.0.1:8000
#   make test    set up everything the tests need, then run ruff, mypy --strict and pytest
PYTHON ?= python3
NPM    ?= npm
VENV   ?= .venv
BIN    := $(VENV)/bin
APT    := apt-get -o DPkg::Lock::Timeout=600
DEBS   := age chromium fonts-ipafont-gothic git gnupg python3-venv openssh-client nodejs npm
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The BSI/Secvisogram CSAF validator, from the npm registry at the version pinned (with every
# dependency's integrity hash) in tests/csaf_validator/package-lock.json; installed into a
# git-ignored project folder, never globally.
NODE_DIR  := .cache/node
VALIDATOR := tests/csaf_validator

.PHONY: serve build test lint typecheck pytest system venv csaf-validator bench clean

serve: venv
	$(BIN)/advpub serve --dev-addr 127.0.0.1:8000

build: venv
	$(BIN)/advpub build

test: system venv lint typecheck pytest

# Debian packages the tests drive for real: the age CLI, Chromium, a Japanese font, GnuPG
# (CSAF signatures), Node.js and npm (the CSAF validator).
system:
	@if command -v age >/dev/null && command -v chromium >/dev/null && command -v ssh-keygen >/dev/null \
	    && command -v gpg >/dev/null && command -v gpgconf >/dev/null \
	    && command -v node >/dev/null && command -v $(NPM) >/dev/null \
	    && fc-list 2>/dev/null | grep -qi ipagothic; then \
	  echo "system packages present"; \
	else \
	  $(SUDO) $(APT) update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) $(APT) install -y -qq --no-install-recommends $(DEBS); \
	fi

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

venv: $(BIN)/activate
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[test]'

# csaf-validator-lib for tests/exports/test_csaf_validator_lib.py; reinstalled when the pin changes.
# --ignore-scripts: no package runs code at install time.
csaf-validator: $(NODE_DIR)/node_modules/.package-lock.json

$(NODE_DIR)/node_modules/.package-lock.json: $(VALIDATOR)/package.json $(VALIDATOR)/package-lock.json
	mkdir -p $(NODE_DIR)
	cp $(VALIDATOR)/package.json $(VALIDATOR)/package-lock.json $(NODE_DIR)/
	$(NPM) ci --prefix $(NODE_DIR) --ignore-scripts --no-audit --no-fund
	touch $@

lint: venv
	$(BIN)/ruff check src tests scripts
	$(BIN)/ruff format --check src tests scripts

typecheck: venv
	$(BIN)/mypy

# A skipped test fails the run (tests/strict_skips.py): `make system` installed every tool.
pytest: venv csaf-validator
	ADVPUB_TEST_STRICT=1 $(BIN)/python -m pytest -q

bench: venv
	$(BIN)/python scripts/bench.py --quick

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache

# miner: two set-up commands (make demo, make test); everything else is for developers.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
SHARED ?= ../shared
DB ?= outputs/evidence.db

.PHONY: demo test eval train bench lexicons clean help browser

help:
	@echo "make demo      mine corpora/sample/ and print what was found"
	@echo "make test      run the test suite"
	@echo "make train     build the trained pipeline models/pipeline from $(SHARED) (developers)"
	@echo "make eval      cross-validation and dev-set scores on $(SHARED) (developers)"
	@echo "make bench     throughput and memory benchmarks on $(SHARED) (developers)"
	@echo "make lexicons  rebuild models/lexicon/ from $(SHARED)/ontologies (developers)"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.main-installed: requirements/main.lock pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/main.lock
	$(PIP) install --no-deps -e .
	@touch $@

$(VENV)/.dev-installed: requirements/dev.lock pyproject.toml | $(BIN)/python
	$(PIP) install --require-hashes -r requirements/dev.lock
	$(PIP) install --no-deps -e .
	@touch $@ $(VENV)/.main-installed

demo: $(VENV)/.main-installed
	@mkdir -p outputs
	$(BIN)/miner mine corpora/sample --db outputs/demo.db --fresh --yes
	$(BIN)/miner inspect --db outputs/demo.db --limit 40
	$(BIN)/miner export --db outputs/demo.db --format json -o outputs/demo.json
	@echo "graph written to outputs/demo.json"

test: $(VENV)/.dev-installed browser
	$(BIN)/python -m pytest

# The viewer tests drive Debian's chromium; install it when missing (root and apt needed,
# otherwise those tests are skipped and say what to install).
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
		{ apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null 2>&1 && \
		  apt-get install -y -q chromium >/dev/null 2>&1; }; } ; } || echo "chromium not installed: the viewer tests will be skipped"

train: $(VENV)/.dev-installed
	$(BIN)/python scripts/train.py --shared $(SHARED)

eval: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/evaluate.py --shared $(SHARED)

bench: $(VENV)/.dev-installed
	$(BIN)/python benchmarks/throughput.py --shared $(SHARED)

lexicons: $(VENV)/.dev-installed
	$(PIP) install --require-hashes -r requirements/lexicons.lock
	$(BIN)/python scripts/build_lexicons.py --ontologies $(SHARED)/ontologies --out models/lexicon

clean:
	rm -rf $(VENV) outputs/*.db outputs/*.db-wal outputs/*.db-shm outputs/*.db.lock outputs/*.json outputs/*.html

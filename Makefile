# newscrawler: `make demo` and `make test` work on a fresh machine with Python 3.11+ and pip.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PYTEST_ARGS ?=
# Test files run in TEST_JOBS pytest-xdist workers (most tests wait on crawl subprocesses).
TEST_JOBS ?= 2

.PHONY: demo test test-fast lint install install-test bench-extraction bench-classify bench-archive bench-crawl bench-urlstates bench-scale bench-warc-import clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

# pywb (the replay test of crawl --warc) pins redis 2 and brotlipy: a venv of its own, which
# tests/test_warc_capture.py runs through NEWSCRAWLER_PYWB_PYTHON.
PYWB_VENV ?= .venv-pywb

$(PYWB_VENV)/.installed:
	$(PYTHON) -m venv $(PYWB_VENV)
	$(PYWB_VENV)/bin/python -m pip install --quiet 'pywb>=2.10,<3' 'webtest>=3'
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## Serve the bundled demo news site on 127.0.0.1, crawl it into demo.sqlite3, show stats and a search.
demo: install
	$(BIN)/newscrawler demo

## Check the layer rules between the packages (import-linter contracts in pyproject.toml).
lint: install-test
	$(BIN)/lint-imports

## Run the test suite (end-to-end crawls of a local site, the archive, extraction), after the layer rules.
test: install-test lint $(PYWB_VENV)/.installed
	NEWSCRAWLER_PYWB_PYTHON=$(abspath $(PYWB_VENV))/bin/python $(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadfile $(PYTEST_ARGS)

## Only the unit tests (in-process, no crawl, no server), less the slow ones: under a minute.
test-fast: install-test
	$(BIN)/python -m pytest -n $(TEST_JOBS) -m "unit and not slow" $(PYTEST_ARGS)

## Body F1 of extract_article vs plain trafilatura on ../shared/corpus/news-dev.
bench-extraction: install-test
	$(BIN)/python -m benchmarks.extraction

## Precision and recall of the article decision: news-dev pages and listing pages, each also in variants (CHECK=1: exit 1 below 100%).
bench-classify: install-test
	$(BIN)/python -m benchmarks.classify $(if $(CHECK),--check)

## Insert, search, filter, stats and export at 200,000 synthetic articles (ARTICLES=N to change).
bench-archive: install
	$(BIN)/python -m benchmarks.archive --articles $(or $(ARTICLES),200000)

## Fetch ceiling, extraction ceiling and the full crawl on a local site of news-dev pages (ARTICLES=N;
## WARC=ROUNDS: instead, the full crawl with and without --warc, ROUNDS times).
bench-crawl: install
	$(BIN)/python -m benchmarks.crawl --articles $(or $(ARTICLES),5000) $(if $(WARC),--warc $(WARC))

## A repeat crawl's URL-state lookups and memory on archives of 20,000 and 100,000 known URLs.
bench-urlstates: install
	$(BIN)/python -m benchmarks.urlstates

## Articles/s with 1, 2 and 3 workers on a Redis frontier and a PostgreSQL archive (ARTICLES=N; needs the servers).
bench-scale: install-test
	$(BIN)/python -m benchmarks.scale --articles $(or $(ARTICLES),1000)

## Articles/s of import-warc on a WARC of the benchmark site, first import and re-import (ARTICLES=N).
bench-warc-import: install
	$(BIN)/python -m benchmarks.warc_import --articles $(or $(ARTICLES),1000)

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .import_linter_cache demo.sqlite3 demo.sqlite3-wal demo.sqlite3-shm

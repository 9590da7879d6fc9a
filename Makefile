# The two commands of the README: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Two stamps: `make run` installs what serving needs, `make test` adds the test extras (torch,
# playwright, milvus-lite, atheris, schemathesis: ≈ 2.4 GB) — also after a `make run`.
RUN_STAMP := $(VENV)/.run-stamp
TEST_STAMP := $(VENV)/.test-stamp
# `make run PORT=8123 HOST=0.0.0.0` (another host than 127.0.0.1 also needs --allowed-host:
# see "Serving on a shared machine" in the README).
PORT ?= 8000
HOST ?= 127.0.0.1

# Debian packages the tests drive for real: a headless Chromium for the web page, LibreOffice
# (and the fonts its PDF page layouts were checked with) to make PDFs from .docx fixtures.
SYSTEM_PACKAGES := chromium libreoffice-writer fonts-liberation fonts-dejavu-core
APT_GET := $(if $(filter 0,$(shell id -u)),apt-get,sudo apt-get)

# mypy checks the checkout as the package it imports as (the root *is* `baocao`, whatever the
# clone's folder is called): through a `baocao` link to it kept in the venv.
MYPY_PATH := $(VENV)/mypy-path
MYPY := MYPYPATH=$(MYPY_PATH) $(BIN)/mypy -p baocao

# The inner loop: `make test` without the tests that need Chromium, LibreOffice or Milvus, and
# the slow ones (markers in pyproject.toml).
FAST := not browser and not office and not milvus and not slow

.PHONY: run test test-fast lint typecheck system-packages

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(RUN_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $(RUN_STAMP)

$(TEST_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(TEST_STAMP) $(RUN_STAMP)

run: $(RUN_STAMP)
	$(BIN)/baocao serve --host $(HOST) --port $(PORT)

test: $(TEST_STAMP) system-packages typecheck
	$(BIN)/ruff check .
	$(BIN)/pytest

test-fast: $(TEST_STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest -m "$(FAST)"

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing (Debian) for the browser and PDF tests"; \
		$(APT_GET) update -q && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -q $$missing; \
	fi

lint: $(TEST_STAMP) typecheck
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

typecheck: $(TEST_STAMP)
	mkdir -p $(MYPY_PATH) && ln -sfn $(CURDIR) $(MYPY_PATH)/baocao
	$(MYPY)

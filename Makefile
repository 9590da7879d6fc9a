# The two commands of the README: `make run` and `make test`. Both set up .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

# Debian packages the tests drive for real: a headless Chromium for the web page, LibreOffice
# (and the fonts its PDF page layouts were checked with) to make PDFs from .docx fixtures.
SYSTEM_PACKAGES := chromium libreoffice-writer fonts-liberation fonts-dejavu-core
APT_GET := $(if $(filter 0,$(shell id -u)),apt-get,sudo apt-get)

.PHONY: run test lint system-packages

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/baocao serve

test: $(STAMP) system-packages
	$(BIN)/ruff check .
	$(BIN)/pytest

system-packages:
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing $$missing (Debian) for the browser and PDF tests"; \
		$(APT_GET) update -q && DEBIAN_FRONTEND=noninteractive $(APT_GET) install -y -q $$missing; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

# The two set-up commands of the README: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: run test install demo serve clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

## Install, create the SQLite database under ./var/, load recorded sample data, serve on :8000
run: install
	$(VENV)/bin/portal db upgrade
	$(VENV)/bin/portal demo
	$(VENV)/bin/portal serve

## Install, lint, and run the suite on SQLite and on PostgreSQL
test: install
	VENV=$(VENV) scripts/test.sh

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# The two set-up commands of the README: `make run` and `make test`.
VENV ?= .venv
PYTHON ?= python3
STAMP := $(VENV)/.installed

.PHONY: run test install catalogs messages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -e '.[test]'
	touch $(STAMP)

# Front-end packages (Designsystemet, htmx) from npm, exactly as locked; served from
# node_modules, never copied into the repo.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

# Message catalogs: compiled at build time (the .mo files are not committed).
CATALOGS := $(wildcard portal/web/locales/*/LC_MESSAGES/messages.po)
catalogs: $(STAMP) $(CATALOGS)
	$(VENV)/bin/pybabel compile -d portal/web/locales -D messages --statistics

## Extract new messages from code and templates into the catalogs (for translators)
messages: $(STAMP)
	$(VENV)/bin/pybabel extract -F babel.cfg -w 88 -k _ -k gettext -k ngettext:1,2 -o portal/web/locales/messages.pot .
	$(VENV)/bin/pybabel update --no-fuzzy-matching -w 88 -i portal/web/locales/messages.pot -d portal/web/locales -D messages

install: $(STAMP) node_modules/.package-lock.json catalogs

## Install, create the SQLite database under ./var/, load recorded sample data, serve on :8000
## (in development mode: no PORTAL_SECRET_KEY needed)
run: install
	$(VENV)/bin/portal db upgrade
	$(VENV)/bin/portal demo
	PORTAL_DEV_MODE=true $(VENV)/bin/portal serve

## Install, lint, and run the suite on SQLite and on PostgreSQL
test: install
	VENV=$(VENV) scripts/test.sh

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache

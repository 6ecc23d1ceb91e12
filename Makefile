# Two commands do all set-up on a fresh machine with only Python 3.11:
#   make run    installs, migrates, loads the demo, starts web + worker + beat
#               (on http://127.0.0.1:8000; another port: make run WEB_PORT=18000)
#   make test   installs and runs the whole suite
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Defaults for a laptop: DEBUG on, SQLite and the filesystem broker unless DATABASE_URL and
# CELERY_BROKER_URL/REDIS_URL say otherwise.
export DJANGO_DEBUG ?= 1
export PYTHONUNBUFFERED := 1

.PHONY: run test install messages migrate demo lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt ".[dev,test]"
	touch $(STAMP)

install: $(STAMP)

# Translations are compiled with Babel, so that a machine without GNU gettext works; a catalog
# is compiled again only when its .po changed (pybabel itself always rewrites the .mo).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))

messages: $(MO_FILES)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po | $(STAMP)
	$(BIN)/pybabel compile -d locale -D django -l $*

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate messages
	$(BIN)/python manage.py load_demo

run: demo
	$(BIN)/honcho start -f Procfile.dev

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# Two workers share the machine's two cores (each on its own test database, cache keys and
# Celery queue); the tests that restart PostgreSQL or Redis run alone afterwards (exit code 5:
# PYTEST_ARGS chose none of them).
PYTEST_WORKERS ?= 2

test: install messages lint
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) -m "not exclusive" $(PYTEST_ARGS)
	$(BIN)/python -m pytest -m exclusive $(PYTEST_ARGS) || test $$? -eq 5

clean:
	rm -rf $(VENV) var .pytest_cache .hypothesis

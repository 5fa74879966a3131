# The README's two commands are `make run` and `make test`; the rest are helpers.
# Every target sets up .venv first; pip runs again only when pyproject.toml changes.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PYTEST_ARGS ?=
BENCH_ARGS ?=

.DEFAULT_GOAL := help
.PHONY: help venv run test lint typecheck bench messages clean

help:
	@echo "make run    set up, migrate, load both programmes (Stockholm, Södertälje) and demo data, serve on http://127.0.0.1:8000/ with the task worker"
	@echo "make test   run the whole test suite (extra args: PYTEST_ARGS=\"-k api\")"
	@echo "make lint   ruff check and ruff format --check"
	@echo "make typecheck  mypy (with django-stubs) over the application code"
	@echo "make bench  page latency and queries under gunicorn (extra args: BENCH_ARGS=\"--requests 50\")"
	@echo "make messages  compile the Swedish translations in locale/ (after editing django.po)"
	@echo "make clean  remove .venv, the database, staticfiles, bench output and egg-info"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

venv: $(STAMP)

run: venv
	$(BIN)/python manage.py migrate
	$(BIN)/python manage.py load_programme fixtures/stockholm-2021-2025.json fixtures/sodertalje-2024-2027.json
	$(BIN)/python manage.py seed_demo
	bash scripts/serve-dev.sh

test: venv
	bash scripts/ensure-chromium.sh
	$(BIN)/pytest $(PYTEST_ARGS)

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy

bench: venv
	$(BIN)/python bench/run.py $(BENCH_ARGS)

messages: venv
	$(BIN)/python manage.py compilemessages --ignore=$(VENV)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-journal staticfiles bench/out *.egg-info

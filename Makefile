# Cobrand: `make run` serves the demo, `make test` runs every test.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEV_ENV := DEBUG=1

.PHONY: install run migrate demo test test-sqlite bench lint format lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

migrate: install
	@mkdir -p var
	$(DEV_ENV) $(BIN)/python manage.py migrate --noinput

demo: migrate
	$(DEV_ENV) $(BIN)/python manage.py seed_demo

run: demo
	@echo "Serving the demo at http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/). Ctrl-C stops it."
	$(DEV_ENV) $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The suite on SQLite, then again on PostgreSQL (and Redis) when they answer locally.
test: install
	@bash scripts/test.sh

# The suite once, on SQLite and the local-memory cache whatever the shell exports.
test-sqlite: install
	env -u DATABASE_URL -u REDIS_URL $(BIN)/pytest

bench: install
	$(BIN)/python bench/run.py

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin requirements.txt from requirements.in in a throwaway virtualenv.
lock:
	rm -rf /tmp/cobrand-lock && $(PYTHON) -m venv /tmp/cobrand-lock
	/tmp/cobrand-lock/bin/pip install --quiet -r requirements.in
	{ echo "# Generated from requirements.in by \`make lock\`: every package pinned, including what the direct ones pull in."; \
	  /tmp/cobrand-lock/bin/pip freeze --exclude-editable; } > requirements.txt

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache

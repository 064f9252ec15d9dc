# OSO Portal: `make run` runs the whole product on embedded defaults, `make test` runs the tests.
# Both work on a fresh machine with Python 3.11 and make: the first call creates .venv.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
# The web address of `make run`; the mock's comes from OSO_ENDPOINT_URL (default port 8765).
RUN_ADDR ?= 127.0.0.1:8000

.PHONY: run test lint types types-baseline migrations-check format messages install clean-demo

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet '.[dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py run_all --addr $(RUN_ADDR)

test: $(STAMP)
	OSO_PORTAL_ENV=test $(PY) -m pytest $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# mypy with django-stubs; only errors missing from mypy-baseline.txt fail.
types: $(STAMP)
	OSO_PORTAL_ENV=test $(VENV)/bin/mypy . | $(VENV)/bin/mypy-baseline filter --allow-unsynced --no-colors

# After fixing baseline errors: write the list of the ones that remain.
types-baseline: $(STAMP)
	OSO_PORTAL_ENV=test $(VENV)/bin/mypy . | $(VENV)/bin/mypy-baseline sync --sort-baseline

migrations-check: $(STAMP)
	OSO_PORTAL_ENV=test $(PY) manage.py makemigrations --check --dry-run

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Needs GNU gettext (msgfmt); the compiled .mo files are committed so `make run` does not.
messages: $(STAMP)
	$(PY) manage.py makemessages --locale nl --locale en --ignore '.venv/*' --ignore 'benchmarks/*' --no-location
	$(PY) manage.py compilemessages --ignore '.venv/*'

clean-demo:
	rm -rf var/

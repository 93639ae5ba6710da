# Xieshang: `make run` sets everything up and serves the demo district; `make test` runs every test.
SHELL := /bin/bash
PY := .venv/bin/python
UV := $(shell command -v uv 2>/dev/null || echo .uv-missing)
HOST ?= 127.0.0.1
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system
# Installed packages get their bytecode at install time: each process (every test worker, gunicorn, each
# manage.py) would otherwise compile Django, scikit-learn and the rest again where PYTHONDONTWRITEBYTECODE
# is set (about 6 s of CPU per process on the reference machine).
export UV_COMPILE_BYTECODE := 1
# pytest keeps its assertion-rewritten test modules only where bytecode may be written: with
# PYTHONDONTWRITEBYTECODE set, each worker of each run rewrote all of them again (about 10 s of CPU).
PYTEST := env -u PYTHONDONTWRITEBYTECODE .venv/bin/pytest

.PHONY: run dev test test-fast lint format setup setup-test messages demo clean-db bench help

help:
	@echo "make run   - set up, load the demo district, serve on http://$(HOST):$(PORT)"
	@echo "make test  - set up and run the whole test suite (DATABASE_URL selects the database)"
	@echo "make dev   - Django's development server with auto-reload"
	@echo "make lint  - ruff"

.uv-missing:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv

.venv/.synced: pyproject.toml uv.lock | .uv-missing
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --frozen --python python3.11 --quiet
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

var/vendor/.copied: node_modules/.installed scripts/vendor_assets.py
	python3 scripts/vendor_assets.py
	@touch $@

var/.system-run: scripts/ensure-system-packages
	@mkdir -p var
	scripts/ensure-system-packages run
	@touch $@

var/.system-test: scripts/ensure-system-packages
	@mkdir -p var
	scripts/ensure-system-packages test
	@touch $@

# Our English catalogue, and the Chinese for the installed packages' English (locale/zh_Hans: written by
# hand, see its header). Built here, not committed (*.mo is ignored).
MESSAGES_MO := locale/en/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/django.mo locale/zh_Hans/LC_MESSAGES/djangojs.mo
COMPILE_MESSAGES := $(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --ignore=var -v0

locale/en/LC_MESSAGES/django.mo: locale/en/LC_MESSAGES/django.po | .venv/.synced
	$(COMPILE_MESSAGES) -l en

locale/zh_Hans/LC_MESSAGES/%.mo: locale/zh_Hans/LC_MESSAGES/%.po | .venv/.synced
	$(COMPILE_MESSAGES) -l zh_Hans

var/staticfiles/staticfiles.json: var/vendor/.copied $(shell find static */static -type f 2>/dev/null) | .venv/.synced
	$(PY) manage.py collectstatic --noinput -v0

setup: var/.system-run .venv/.synced var/vendor/.copied $(MESSAGES_MO) var/staticfiles/staticfiles.json
	@mkdir -p var/media

setup-test: setup var/.system-test
	@$(PY) -m compileall -q -j 0 -x '/(\.venv|node_modules|var|\.git)/' . >/dev/null

run: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	@echo "Serving on http://$(HOST):$(PORT)  (demo accounts: see README.md)"
	.venv/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY:-3} --preload --access-logfile -

dev: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo
	DJANGO_DEBUG=true $(PY) manage.py runserver $(HOST):$(PORT)

test: setup-test
	$(PYTEST) -n auto $(PYTEST_ARGS)

test-fast: setup
	$(PYTEST) -m "not browser" $(PYTEST_ARGS)

lint: .venv/.synced
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: .venv/.synced
	.venv/bin/ruff check --fix .
	.venv/bin/ruff format .

messages: .venv/.synced
	$(PY) manage.py makemessages -l en --no-obsolete --ignore=node_modules --ignore=.venv --ignore=var
	$(COMPILE_MESSAGES) -l en

demo: setup
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py load_demo

clean-db:
	rm -f var/db.sqlite3 var/db.sqlite3-wal var/db.sqlite3-shm

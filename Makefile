# CongVu: two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run dev test test-multi lint messages bench clean install

$(VENV)/bin/activate:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/activate
	$(PIP) install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

.secret_key:
	$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > .secret_key
	chmod 600 .secret_key

# Serve the demo district at http://$(HOST):$(PORT)/ (gunicorn, as in production but plain http).
run: install .secret_key
	$(PY) manage.py compile_po
	DJANGO_HTTPS=0 $(PY) manage.py migrate --noinput
	DJANGO_HTTPS=0 $(PY) manage.py createcachetable
	DJANGO_HTTPS=0 $(PY) manage.py collectstatic --noinput -v0
	DJANGO_HTTPS=0 $(PY) manage.py seed_demo
	@echo ""
	@echo "Demo logins (password: $${DEMO_PASSWORD:-demo-pass-2019}):"
	@echo "  admin, inspector, hr, auditor, head-<unit code> e.g. head-dh-xhl, head-dh-nv"
	@echo "Open http://$(HOST):$(PORT)/  (admin: /admin/, API: /api/v1/, docs: /api/v1/docs/)"
	@echo "Notifications: /app/notifications/ (mails are printed here; the task worker runs beside the server)"
	DJANGO_HTTPS=0 $(PY) manage.py run_worker --daily & WORKER=$$!; \
	trap 'kill $$WORKER 2>/dev/null; wait $$WORKER 2>/dev/null' EXIT INT TERM; \
	DJANGO_HTTPS=0 $(VENV)/bin/gunicorn config.wsgi:application --bind $(HOST):$(PORT) --workers 3

# Development server with auto-reload and DEBUG on.
dev: install
	$(PY) manage.py compile_po
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py createcachetable
	DJANGO_DEBUG=1 $(PY) manage.py seed_demo
	DJANGO_DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

# The whole suite; pytest exits non-zero on any failure and on an empty run (5).
test: install
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py compile_po
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Two gunicorn instances and a worker on the machine's PostgreSQL and Redis (docs/operations.md).
test-multi: install
	DJANGO_SETTINGS_MODULE=config.settings_test $(PY) manage.py compile_po
	$(VENV)/bin/pytest -m multi -p no:cacheprovider tests/scale $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy
	DJANGO_SECRET_KEY=lint $(PY) manage.py makemigrations --check --dry-run

# Re-extract translatable strings (needs GNU gettext) and compile.
messages: install
	cd staff && ../$(PY) ../manage.py makemessages -l vi --no-obsolete
	cd inspections && ../$(PY) ../manage.py makemessages -l vi --no-obsolete
	cd training && ../$(PY) ../manage.py makemessages -l vi --no-obsolete
	cd reform && ../$(PY) ../manage.py makemessages -l vi --no-obsolete
	cd reports && ../$(PY) ../manage.py makemessages -l vi --no-obsolete
	cd core && ../$(PY) ../manage.py makemessages -l vi --no-obsolete
	cd notifications && ../$(PY) ../manage.py makemessages -l vi --no-obsolete
	cd workspace && ../$(PY) ../manage.py makemessages -l vi --no-obsolete
	$(PY) manage.py makemessages -l vi --no-obsolete --ignore '.venv/*' --ignore 'staff/*' --ignore 'inspections/*' --ignore 'training/*' --ignore 'reform/*' --ignore 'reports/*' --ignore 'core/*' --ignore 'notifications/*' --ignore 'workspace/*'
	$(PY) manage.py compile_po

# Province-scale benchmark on SQLite (and PostgreSQL when reachable); e.g. make bench BENCH_ARGS="--databases sqlite".
bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .test_db*.sqlite3* .test_media staticfiles

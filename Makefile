# Tessera — two commands do all set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000
export DJANGO_SETTINGS_MODULE ?= tessera.settings.local

.PHONY: install run test test-sqlite test-postgres lint format demo worker bench clean cluster test-cluster

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo
	@echo "Serving on http://$(HOST):$(PORT)/ (background tasks run inside the server process)"
	$(PY) manage.py runserver --noreload $(HOST):$(PORT)

demo: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py demo

worker: install
	$(PY) manage.py db_worker --queue-name '*'

test: install
	$(PY) -m ruff check tessera tests bench deploy
	$(PY) -m ruff format --check tessera tests bench deploy
	DJANGO_SETTINGS_MODULE=tessera.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=tessera.settings.test $(PY) -m pytest

lint: install
	$(PY) -m ruff check tessera tests bench deploy

format: install
	$(PY) -m ruff format tessera tests bench
	$(PY) -m ruff check --fix tessera tests bench

bench: install
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var build *.egg-info

# The scale-out topology on this machine (PostgreSQL + Redis already running): proxy :8100,
# two app processes, two RQ workers, the scheduler. See deploy/ and docs/operations.md.
cluster: install
	$(PY) deploy/cluster.py

# Starts the cluster, runs mixed load, kills a worker and an app process, checks nothing is lost.
test-cluster: install
	DJANGO_SETTINGS_MODULE=tessera.settings.test $(PY) -m pytest -m cluster tests/cluster -p no:cacheprovider

# Bekitu: `make run` serves the portal with demo data, `make test` runs the whole suite.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
PGDEV := .pgdata
PGTEST := .pgtest
HOST ?= 127.0.0.1
PORT ?= 8000
# chromium: the browser tests drive Debian's chromium (Playwright cannot download its own here).
SYS_PACKAGES := postgresql-15 libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 libfontconfig1 fonts-dejavu-core gettext chromium

.PHONY: install sysdeps run test lint messages bench clean

sysdeps:
	@missing=""; for p in $(SYS_PACKAGES) $(EXTRA_SYS_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing system packages:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else echo "missing system packages:$$missing (install them with apt-get)" >&2; exit 1; fi; \
	fi

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $@

install: sysdeps $(VENV)/.installed

# When the local cluster cannot start, stop there: pgcluster.sh has said why, and its log stays.
NO_CLUSTER = { echo "make: stopped, no PostgreSQL cluster (set DATABASE_URL to use another server)" >&2; exit 1; }

# Start the project-local cluster unless DATABASE_URL is given; stop it when the server stops.
# The task worker is restarted whenever it ends (it exits when PostgreSQL restarts under it).
run: install
	@set -e; \
	trap 'exit 130' INT TERM; \
	if [ -z "$$DATABASE_URL" ]; then \
	  url=$$(config/pgcluster.sh start $(PGDEV)) || $(NO_CLUSTER); \
	  export DATABASE_URL=$$url; stop_cluster=1; \
	  trap 'config/pgcluster.sh stop $(PGDEV)' EXIT; \
	fi; \
	export DEBUG=$${DEBUG:-1}; \
	$(PY) manage.py migrate --noinput; \
	$(PY) manage.py createcachetable; \
	$(PY) manage.py load_reference_data; \
	$(PY) manage.py demo_data; \
	setsid sh -c 'while :; do $(PY) manage.py db_worker; echo "db_worker ended ($$?), restarting in 2 s" >&2; sleep 2; done' & worker=$$!; \
	trap 'kill -TERM -- -$$worker 2>/dev/null; wait $$worker 2>/dev/null; [ -z "$$stop_cluster" ] || config/pgcluster.sh stop $(PGDEV)' EXIT; \
	$(PY) manage.py runserver $(HOST):$(PORT)

# A throwaway cluster of its own, removed afterwards.
test: install
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then \
	  config/pgcluster.sh remove $(PGTEST); \
	  url=$$(PG_FSYNC=off config/pgcluster.sh start $(PGTEST)) || $(NO_CLUSTER); \
	  export DATABASE_URL=$$url; \
	  trap 'config/pgcluster.sh remove $(PGTEST)' EXIT; \
	fi; \
	SECRET_KEY=$${SECRET_KEY:-test-only-key} $(VENV)/bin/pytest $(PYTEST_ARGS)

# Benchmarks on a throwaway cluster of their own; print figures and ratios.
PGBENCH := .pgbench
bench: install
	@set -e; \
	if [ -z "$$DATABASE_URL" ]; then \
	  config/pgcluster.sh remove $(PGBENCH); \
	  url=$$(PG_FSYNC=off config/pgcluster.sh start $(PGBENCH)) || $(NO_CLUSTER); \
	  export DATABASE_URL=$$url; \
	  trap 'config/pgcluster.sh remove $(PGBENCH)' EXIT; \
	fi; \
	SECRET_KEY=$${SECRET_KEY:-bench-only-key} $(PY) -m tests.bench $(BENCH)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Extract messages into config/locale/{ru,kk}; translate the new entries, then run it again to
# compile, and commit both the .po and the .mo files (tests/test_translations.py checks both).
messages: install
	$(PY) manage.py makemessages -l ru -l kk --no-location --ignore=.venv --ignore=tests \
	  --ignore=$(PGDEV) --ignore=$(PGTEST) --ignore=test-artifacts
	$(PY) manage.py compilemessages --ignore=.venv --ignore=$(PGDEV) --ignore=$(PGTEST)

clean:
	config/pgcluster.sh stop $(PGDEV) || true
	config/pgcluster.sh remove $(PGTEST) || true
	config/pgcluster.sh remove $(PGBENCH) || true

# Two commands for a newcomer: `make run` and `make test` (see README.md).
PYTHON ?= $(shell command -v python3.12 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ADDRESS ?= 127.0.0.1:8000

.PHONY: run test lint bench loadtest messages

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else "Python 3.12 or newer is needed; found " + sys.version.split()[0])'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

run: $(STAMP)
	DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DEBUG=1 $(BIN)/python manage.py demo --address $(ADDRESS)
	@# One worker reads uploaded logs and polls status sources beside the server, and `watch`
	@# queues the polls that are due; Ctrl-C (or the server ending) stops all three.
	DEBUG=1 $(BIN)/python manage.py worker --no-reload & worker=$$!; \
	DEBUG=1 $(BIN)/python manage.py watch & watch=$$!; \
	trap 'kill $$worker $$watch 2>/dev/null; wait $$worker $$watch' EXIT INT TERM; \
	DEBUG=1 $(BIN)/python manage.py runserver $(ADDRESS)

# pytest exits 5 when it collects no test; that is not a failure of the suite.
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS); status=$$?; [ $$status -eq 5 ] && exit 0; exit $$status

lint: $(STAMP)
	$(BIN)/ruff check journal tests benchmarks

# BENCH_QUICK=1 measures the scale section at 1,000 incidents only.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# gunicorn on 127.0.0.1 under 20 clients for 60 s; e.g. LOADTEST_ARGS="--seconds 20".
loadtest: $(STAMP)
	$(BIN)/python benchmarks/loadtest.py $(LOADTEST_ARGS)

# Extract every marked string into locale/ja/LC_MESSAGES/django.po and compile django.mo (both
# committed, so `make run` needs no gettext tools); tests/test_i18n.py fails on a string left
# untranslated. Needs GNU gettext (Debian: gettext).
messages: $(STAMP)
	$(BIN)/python manage.py makemessages --locale ja --no-obsolete --add-location file --ignore 'tests/*' --ignore 'benchmarks/*' --ignore 'static/*'
	$(BIN)/python manage.py compilemessages --locale ja --ignore '.venv/*'

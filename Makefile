# The two commands of the README. Everything else they need, they install.
PYTHON ?= python3
VENV := .venv
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | cksum | cut -d' ' -f1)

.PHONY: run test test-fast lint messages

$(STAMP): requirements.txt requirements-dev.txt
	@bash scripts/ensure-venv.sh "$(PYTHON)" "$(VENV)"
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

## run: the portal on http://127.0.0.1:8000 with a Celery worker and beat (SQLite and a filesystem broker
##      unless DATABASE_URL / REDIS_URL / CELERY_BROKER_URL say otherwise). Ctrl-C stops all of them.
run: $(STAMP)
	@bash scripts/run.sh

## test: the whole suite against PostgreSQL and Redis on 127.0.0.1 (started, or installed when root).
test: $(STAMP)
	@bash scripts/test.sh

## test-fast: the same checks and every test but those that start a worker, a browser or a benchmark, spread
##            over the cores, with a few API fuzzing cases a route and the test databases kept from the last run
##            (new migrations are applied to them). For everyday work: `make test` runs them all, one after another,
##            with the full fuzzing, on fresh databases.
test-fast: $(STAMP)
	@FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-3} FUZZ_COVERAGE=$${FUZZ_COVERAGE:-0} bash scripts/test.sh -n $${TEST_WORKERS:-auto} --reuse-db -m "not worker and not e2e and not bench"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

## messages: refresh and compile the translation catalogues (needs gettext).
messages: $(STAMP)
	$(VENV)/bin/python manage.py makemessages -l vi -l en --no-obsolete -i ".venv/*" -i "var/*"
	$(VENV)/bin/python manage.py compilemessages -i ".venv" -i "var"

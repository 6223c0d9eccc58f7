#!/usr/bin/env bash
# `make test`: the whole suite against real PostgreSQL and Redis, plus the checks that keep main shippable.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/services.sh
export DATABASE_URL=${TEST_DATABASE_URL:-postgres://postgres:postgres@127.0.0.1:5432/postgres}
export REDIS_URL=${TEST_REDIS_URL:-redis://127.0.0.1:6379/15}
export CELERY_BROKER_URL=${TEST_CELERY_BROKER_URL:-$REDIS_URL}
export PORTAL_VAR_DIR=${PORTAL_VAR_DIR:-$PWD/var/test}
py=.venv/bin/python
$py manage.py makemigrations --check --dry-run >/dev/null \
  || { echo "Models and migrations disagree: run manage.py makemigrations." >&2; exit 1; }
.venv/bin/ruff check .
.venv/bin/lint-imports --no-cache >/dev/null || { .venv/bin/lint-imports --no-cache; exit 1; }
$py -m pytest "$@"

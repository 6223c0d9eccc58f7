#!/usr/bin/env bash
# `make run`: migrate, load the demo ward, then the web server with a Celery worker and beat beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
export DJANGO_DEBUG=${DJANGO_DEBUG:-1}
py=.venv/bin/python
mkdir -p var
$py manage.py migrate --noinput
$py manage.py seed_demo
# One process for worker and beat (-B): the embedded broker is for one machine anyway.
$py -m celery -A portal worker -B --loglevel=INFO --concurrency=2 \
  --schedule=var/celerybeat-schedule --pidfile= &
celery_pid=$!
trap 'kill $celery_pid 2>/dev/null || true; wait $celery_pid 2>/dev/null || true' EXIT INT TERM
echo
echo "Ward Connect: http://127.0.0.1:8000/  (Ctrl-C stops the web server, the worker and beat)"
$py manage.py runserver 127.0.0.1:8000

#!/usr/bin/env bash
# `make run`: migrate, load the demo ward, then the web server with a Celery worker and beat beside it.
set -euo pipefail
cd "$(dirname "$0")/.."
py=.venv/bin/python
mkdir -p var
# As people will see it: Vietnamese error pages, never Django's debug page (a leader following a link to another
# group must not get a stack trace). So DEBUG off, with a secret key of this machine's own kept in var/, and
# plain HTTP on 127.0.0.1. Set DJANGO_DEBUG=1 to debug.
export DJANGO_DEBUG=${DJANGO_DEBUG:-0}
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  [ -s var/secret_key ] || $py -c 'import secrets; print(secrets.token_urlsafe(50))' > var/secret_key
  DJANGO_SECRET_KEY=$(cat var/secret_key)
  export DJANGO_SECRET_KEY
fi
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-0}
export DJANGO_COOKIE_SECURE=${DJANGO_COOKIE_SECURE:-0}
export DJANGO_HSTS_SECONDS=${DJANGO_HSTS_SECONDS:-0}
$py manage.py migrate --noinput
$py manage.py seed_demo
# One process for worker and beat (-B): the embedded broker is for one machine anyway. Supervised: a worker that
# dies (a crash of the broker client, an out-of-memory kill) is started again, as docker-compose's restart policy
# does; the sweeper then takes over the batches it held.
#
# Stopping: a service manager sends SIGTERM to the whole process group. Celery's main process can then hang for a
# minute once its pool children are gone, so it gets 6 s to stop cleanly and is then killed with its children
# (what it held is taken over by the sweeper on the next start, as after any crash).
(
  child=
  stop() {
    [ -n "$child" ] || exit 0
    kill -TERM "$child" 2>/dev/null || true
    for _ in $(seq 60); do
      kill -0 "$child" 2>/dev/null || exit 0
      sleep 0.1
    done
    pkill -KILL -P "$child" 2>/dev/null || true
    kill -KILL "$child" 2>/dev/null || true
    exit 0
  }
  trap stop INT TERM
  while true; do
    $py -m celery -A portal worker -B --loglevel=INFO --concurrency=2 \
      --schedule=var/celerybeat-schedule --pidfile= &
    child=$!
    wait "$child" || true
    echo "run: the Celery worker stopped; starting it again in 2 s" >&2
    sleep 2
  done
) &
celery_pid=$!
trap 'kill $celery_pid 2>/dev/null || true; wait $celery_pid 2>/dev/null || true' EXIT INT TERM
echo
port=${PORTAL_PORT:-8000}
echo "Ward Connect: http://127.0.0.1:$port/  (Ctrl-C stops the web server, the worker and beat)"
$py manage.py runserver "127.0.0.1:$port"

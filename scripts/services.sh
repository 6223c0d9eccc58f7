#!/usr/bin/env bash
# Make sure PostgreSQL and Redis answer on 127.0.0.1 (and Chromium is there for the browser tests):
# start them when stopped, install them with apt-get when missing and we are root.
set -euo pipefail

is_root() { [ "$(id -u)" = 0 ]; }
apt_updated=""
apt_install() {
  if ! is_root || ! command -v apt-get >/dev/null; then
    echo "services: $* is missing and we are not root; install it and run again." >&2
    return 1
  fi
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
wait_for() {  # wait_for SECONDS COMMAND...
  local deadline=$((SECONDS + $1)); shift
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || return 1
    sleep 0.5
  done
}

pg_up() { pg_isready -q -h 127.0.0.1 -p 5432; }
if ! command -v pg_isready >/dev/null || ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    apt_install postgresql
    fresh_postgres=1
  fi
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start || true
  wait_for 30 pg_up || { echo "services: PostgreSQL did not start" >&2; exit 1; }
  if [ -n "${fresh_postgres:-}" ]; then
    # A fresh Debian cluster asks for a password over TCP; give the postgres role the one the tests use.
    su postgres -c "psql -q -c \"ALTER USER postgres PASSWORD 'postgres'\""
  fi
fi

redis_up() { redis-cli -h 127.0.0.1 -p 6379 ping | grep -q PONG; }
if ! command -v redis-cli >/dev/null || ! redis_up; then
  command -v redis-server >/dev/null || apt_install redis-server
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 15 redis_up || { echo "services: Redis did not start" >&2; exit 1; }
fi

if [ ! -x /usr/bin/chromium ]; then
  apt_install chromium || echo "services: no Chromium; the browser tests will say so." >&2
fi
# WeasyPrint lays out the ward's PDF report with Pango.
if ! ldconfig -p 2>/dev/null | grep -q libpangoft2-1.0; then
  apt_install libpango-1.0-0 libpangoft2-1.0-0 || echo "services: no Pango; the PDF report will say so." >&2
fi
echo "services: PostgreSQL and Redis are up on 127.0.0.1"

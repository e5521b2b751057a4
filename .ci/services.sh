#!/usr/bin/env bash
# Start, stop and check the local PostgreSQL and Redis — the one place these commands live. .ci/run uses
# it to make sure the shared services answer; the fault tests (test/faults) use it to start and stop
# instances of their own.
#
#   services.sh start  redis    <port>              start if not answering, wait until it answers
#   services.sh stop   redis    <port>              SHUTDOWN NOSAVE, wait until it is gone
#   services.sh start  postgres <port> [datadir]    without datadir: the system cluster (pg_ctlcluster);
#                                                   with datadir: initdb there if empty, then pg_ctl start
#   services.sh stop   postgres <port> <datadir>    pg_ctl stop -m fast (connections are cut)
#   services.sh status redis|postgres <port>        exit 0 when it answers
#
# Stopping the shared services (5432, 6379) is refused unless ANL_ALLOW_SHARED_STOP=1: other test runs
# depend on them. Redis runs without persistence (--save "" --appendonly no), like the CI service, so
# a restart forgets every queued job — which is exactly what the outbox must survive.
set -euo pipefail

action="${1:-}"
service="${2:-}"
port="${3:-}"
datadir="${4:-}"

usage() {
  echo "usage: $0 start|stop|status redis|postgres <port> [datadir]" >&2
  exit 2
}
[[ -n "$action" && -n "$service" && "$port" =~ ^[0-9]+$ ]] || usage

pg_bin() {
  local bindir
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
  [[ -n "$bindir" ]] || { echo "no PostgreSQL binaries under /usr/lib/postgresql" >&2; exit 1; }
  echo "$bindir"
}

# PostgreSQL refuses to run as root: run its commands as the postgres system user then.
as_postgres() {
  if [[ "$(id -u)" == "0" ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

redis_up() { redis-cli -h 127.0.0.1 -p "$port" ping >/dev/null 2>&1; }
pg_up() { pg_isready -h 127.0.0.1 -p "$port" -q; }

wait_for() { # wait_for up|down check-function
  local want="$1" check="$2"
  for _ in $(seq 1 120); do
    if [[ "$want" == up ]]; then "$check" && return 0; else "$check" || return 0; fi
    sleep 0.25
  done
  echo "$service on port $port did not come $want within 30 s" >&2
  return 1
}

refuse_shared() {
  if [[ ( "$port" == 5432 || "$port" == 6379 ) && "${ANL_ALLOW_SHARED_STOP:-}" != 1 ]]; then
    echo "refusing to stop the shared $service on port $port (set ANL_ALLOW_SHARED_STOP=1 to force)" >&2
    exit 1
  fi
}

case "$service:$action" in
  redis:start)
    if ! redis_up; then
      redis-server --daemonize yes --bind 127.0.0.1 --port "$port" --save "" --appendonly no \
        --maxmemory-policy noeviction --logfile "" >/dev/null
    fi
    wait_for up redis_up
    ;;
  redis:stop)
    refuse_shared
    if redis_up; then redis-cli -h 127.0.0.1 -p "$port" shutdown nosave >/dev/null 2>&1 || true; fi
    wait_for down redis_up
    ;;
  redis:status)
    redis_up
    ;;
  postgres:start)
    if [[ -z "$datadir" ]]; then
      # the system cluster (Debian's postgresql-common), as CI has it
      if ! pg_up; then
        pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -1)" main start
      fi
    else
      bin="$(pg_bin)"
      mkdir -p "$datadir"
      if [[ "$(id -u)" == "0" ]] && ! runuser -u postgres -- test -x "$(dirname "$datadir")"; then
        echo "the postgres user cannot reach $(dirname "$datadir"): use a directory it may enter" >&2
        exit 1
      fi
      if [[ "$(id -u)" == "0" ]]; then chown postgres: "$datadir"; fi
      chmod 0700 "$datadir"
      if [[ ! -f "$datadir/PG_VERSION" ]]; then
        as_postgres "$bin/initdb" -D "$datadir" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
      fi
      if ! pg_up; then
        # fsync off: a throw-away test cluster; the socket lives in the data directory
        as_postgres "$bin/pg_ctl" -D "$datadir" -l "$datadir/server.log" -w -t 30 \
          -o "-p $port -k $datadir -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c max_connections=200" \
          start >/dev/null
      fi
    fi
    wait_for up pg_up
    ;;
  postgres:stop)
    refuse_shared
    [[ -n "$datadir" ]] || { echo "stop postgres needs the data directory" >&2; exit 2; }
    if [[ -f "$datadir/postmaster.pid" ]]; then
      as_postgres "$(pg_bin)/pg_ctl" -D "$datadir" -m fast -w -t 30 stop >/dev/null
    fi
    wait_for down pg_up
    ;;
  postgres:status)
    pg_up
    ;;
  *)
    usage
    ;;
esac

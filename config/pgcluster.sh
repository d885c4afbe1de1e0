#!/usr/bin/env bash
# Project-local PostgreSQL cluster for development and tests.
#   config/pgcluster.sh start DIR   -> prints the DATABASE_URL of a running cluster in DIR
#   config/pgcluster.sh stop DIR
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
set -euo pipefail
action=${1:?usage: pgcluster.sh start|stop DIR}
dir=$(mkdir -p "${2:?usage: pgcluster.sh start|stop DIR}" && cd "$2" && pwd)
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}

die() { echo "pgcluster: $*" >&2; exit 1; }
[ -x "$pgbin/initdb" ] || die "PostgreSQL server binaries not found in $pgbin (Debian: apt-get install -y postgresql-15; or set DATABASE_URL to an existing server)"

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (apt-get install -y postgresql-15 creates it)"
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$action" in
start)
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    as_owner "$pgbin/initdb" -D "$dir/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >"$dir/initdb.log" 2>&1 \
      || die "initdb failed, see $dir/initdb.log"
  fi
  if as_owner "$pgbin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    port=$(cat "$dir/port")
  else
    port=$(free_port)
    echo "$port" > "$dir/port"
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-on} -c max_connections=200" -w start >/dev/null \
      || die "the server did not start, see $dir/server.log"
  fi
  as_owner "$pgbin/psql" -h "$dir" -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='bekitu'" | grep -q 1 \
    || as_owner "$pgbin/createdb" -h "$dir" -p "$port" -U postgres bekitu
  echo "postgres://postgres@127.0.0.1:$port/bekitu"
  ;;
stop)
  if [ -f "$dir/data/PG_VERSION" ]; then
    as_owner "$pgbin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  ;;
*)
  die "unknown action $action"
  ;;
esac

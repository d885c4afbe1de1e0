#!/usr/bin/env bash
# Project-local PostgreSQL cluster for development and tests.
#   config/pgcluster.sh start DIR    -> prints the DATABASE_URL of a running cluster for DIR
#   config/pgcluster.sh stop DIR
#   config/pgcluster.sh remove DIR   -> stops the cluster and deletes its files and DIR
#   config/pgcluster.sh where DIR    -> prints the directory that holds the cluster's files
# PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user, and
# that user must reach its files. When DIR lies where `postgres` may not enter (a checkout in
# /root, mode 0700), the cluster lives in /var/tmp/bekitu-<hash of DIR's path>/ instead, owned by
# postgres with mode 0700; nothing in the checkout's parents is opened up. Its logs (initdb.log,
# server.log) are in that directory too, and are kept when the cluster cannot start.
set -euo pipefail
action=${1:?usage: pgcluster.sh start|stop|remove|where DIR}
dir=$(mkdir -p "${2:?usage: pgcluster.sh start|stop|remove|where DIR}" && cd "$2" && pwd)
pgbin=${PG_BIN:-/usr/lib/postgresql/15/bin}

die() { echo "pgcluster: $*" >&2; exit 1; }
# die with the end of a log, which says why (the whole log stays where it is).
die_log() {
  echo "pgcluster: $1; the end of $2:" >&2
  tail -n 20 "$2" 2>/dev/null | sed 's/^/  | /' >&2 || true
  exit 1
}
[ -x "$pgbin/initdb" ] || die "PostgreSQL server binaries not found in $pgbin (Debian: apt-get install -y postgresql-15; or set DATABASE_URL to an existing server)"

as_root() { [ "$(id -u)" = 0 ]; }
if as_root; then
  id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' system user (apt-get install -y postgresql-15 creates it)"
fi

as_owner() {
  if as_root; then
    (cd / && runuser -u postgres -- "$@")  # from a directory postgres may enter
  else
    "$@"
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# The directory holding the cluster: DIR itself, unless we are root and `postgres` cannot enter
# DIR's parent (then a directory of its own under /var/tmp, named after DIR's path).
outside="/var/tmp/bekitu-$(printf '%s' "$dir" | sha256sum | cut -c1-16)"
if as_root && [ -f "$outside/data/PG_VERSION" ]; then
  home=$outside
elif ! as_root || runuser -u postgres -- test -x "$(dirname "$dir")"; then
  home=$dir
else
  home=$outside
fi

# The directory under /var/tmp (world-writable) is trusted only if it is a real directory of
# postgres's, closed to everyone else: a name chosen in advance by another user is refused.
prepare_outside() {
  if [ ! -e "$outside" ] && [ ! -L "$outside" ]; then
    install -d -m 0700 -o postgres -g postgres "$outside"
  fi
  [ -d "$outside" ] && [ ! -L "$outside" ] \
    && [ "$(stat -c '%U %a' "$outside")" = "postgres 700" ] \
    || die "$outside exists but is not a directory of the postgres user with mode 700; remove it"
}

case "$action" in
where)
  echo "$home"
  ;;
start)
  if [ "$home" = "$outside" ]; then
    prepare_outside
  elif as_root; then
    chown postgres:postgres "$dir"
  fi
  if [ ! -f "$home/data/PG_VERSION" ]; then
    as_owner "$pgbin/initdb" -D "$home/data" -U postgres -E UTF8 --locale=C.UTF-8 --auth=trust >"$home/initdb.log" 2>&1 \
      || die_log "initdb failed" "$home/initdb.log"
  fi
  if as_owner "$pgbin/pg_ctl" -D "$home/data" status >/dev/null 2>&1; then
    port=$(cat "$home/port")
  else
    port=$(free_port)
    echo "$port" > "$home/port"
    as_owner "$pgbin/pg_ctl" -D "$home/data" -l "$home/server.log" \
      -o "-p $port -k $home -c listen_addresses=127.0.0.1 -c fsync=${PG_FSYNC:-on} -c max_connections=200" -w start >/dev/null \
      || die_log "the server did not start" "$home/server.log"
  fi
  as_owner "$pgbin/psql" -h "$home" -p "$port" -U postgres -d postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='bekitu'" | grep -q 1 \
    || as_owner "$pgbin/createdb" -h "$home" -p "$port" -U postgres bekitu
  echo "postgres://postgres@127.0.0.1:$port/bekitu"
  ;;
stop | remove)
  if [ -f "$home/data/PG_VERSION" ]; then
    as_owner "$pgbin/pg_ctl" -D "$home/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  if [ "$action" = remove ]; then
    [ "$home" = "$dir" ] || rm -rf "$home"
    rm -rf "$dir"
  fi
  ;;
*)
  die "unknown action $action"
  ;;
esac

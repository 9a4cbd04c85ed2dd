#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for Charter's tests and benchmarks, on a free
# loopback port, its data under target/ (never the system's cluster).
#
#   ci/postgres.sh start [DIR]    create the cluster in DIR if needed, start it,
#                                 print its URL (the last line on stdout)
#   ci/postgres.sh stop [DIR]     stop it (fast: sessions are ended), if running
#   ci/postgres.sh url [DIR]      print its URL
#   ci/postgres.sh destroy [DIR]  stop it and remove DIR
#
# DIR defaults to target/postgres/main. The port is picked on the first start
# and kept in DIR, so a stopped cluster starts again on the same URL. The
# server runs with synchronous_commit=on (a commit returns after the WAL is
# flushed), as a production server would.
#
# The PostgreSQL server comes from the Debian packages: when initdb or pg_ctl
# cannot be found, `apt-get install -y postgresql` installs them (as root).
# initdb refuses to run as root, so as root the cluster belongs to the
# `postgres` user the package creates; otherwise to the caller.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

command=${1:-}
dir=${2:-target/postgres/main}
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac
password=charter

log() { printf 'postgres.sh: %s\n' "$*" >&2; }

# Sets BIN to the directory holding initdb and pg_ctl, installing them if needed.
find_bin() {
  local candidate
  for candidate in "$(dirname "$(command -v pg_ctl 2>/dev/null || echo /nonexistent/x)")" \
    $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
      BIN=$candidate
      return 0
    fi
  done
  return 1
}

ensure_bin() {
  find_bin && return 0
  if [ "$(id -u)" != 0 ]; then
    log "initdb and pg_ctl are missing; install PostgreSQL (apt-get install postgresql) or run as root"
    exit 2
  fi
  log "installing PostgreSQL (apt-get install -y postgresql)"
  apt-get update -qq >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
  find_bin || { log "PostgreSQL was installed but initdb/pg_ctl are still not found"; exit 2; }
}

# as_owner COMMAND...: runs COMMAND as the cluster's owner.
as_owner() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

url() { echo "postgres://postgres:$password@127.0.0.1:$(cat "$dir/port")/postgres"; }

running() { [ -f "$dir/data/postmaster.pid" ] && as_owner "$BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pick_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if port_free "$port"; then
      echo "$port" >"$dir/port"
      return 0
    fi
  done
  log "no free port found"
  exit 1
}

init_cluster() {
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  as_owner sh -c "umask 077; echo '$password' > '$dir/pwfile'"
  as_owner "$BIN/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" \
    --auth=scram-sha-256 --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 ||
    { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner sh -c "cat >> '$dir/data/postgresql.conf'" <<CONF
# ci/postgres.sh: a throwaway test cluster on loopback.
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 500
synchronous_commit = on
fsync = on
shared_buffers = 128MB
logging_collector = off
CONF
  pick_port
}

start() {
  ensure_bin
  [ -d "$dir/data" ] || init_cluster
  if running; then
    url
    return 0
  fi
  local attempt
  for attempt in 1 2 3; do
    if as_owner "$BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $(cat "$dir/port")" start >/dev/null; then
      url
      return 0
    fi
    # Most likely the port was taken since it was picked: pick another.
    log "start attempt $attempt failed:"; tail -n 5 "$dir/server.log" >&2 || true
    pick_port
  done
  exit 1
}

stop() {
  [ -d "$dir/data" ] || return 0
  find_bin || return 0
  if running; then
    as_owner "$BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null
  fi
}

case "$command" in
  start) start ;;
  stop) stop ;;
  url) url ;;
  destroy) stop; rm -rf "$dir" ;;
  *) echo "usage: ci/postgres.sh start|stop|url|destroy [DIR]" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Starts, stops or reports a local PostgreSQL 15 cluster bound to 127.0.0.1.
#   scripts/pg.sh start  [--data-dir DIR] [--port N]   creates the cluster on first use, prints its connection string
#   scripts/pg.sh stop   [--data-dir DIR]
#   scripts/pg.sh status [--data-dir DIR] [--port N]
#   scripts/pg.sh run    [--data-dir DIR] [--port N]   runs the server in the foreground (the AppHost's executable
#                                                      resource): SIGTERM/SIGINT → fast shutdown
# PostgreSQL refuses to run as root, so as root the cluster runs as the `postgres` user.
set -euo pipefail
cmd="${1:-}"; shift || true
if [ "$(id -u)" -eq 0 ]; then default_data=/var/lib/imagetagger/pgdata; else default_data="$HOME/.local/share/imagetagger/pgdata"; fi
data_dir="${IMAGETAGGER_PG_DATA:-$default_data}"
port="${IMAGETAGGER_PG_PORT:-55432}"
while [ $# -gt 0 ]; do
  case "$1" in
    --data-dir) data_dir="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
bin=/usr/lib/postgresql/15/bin
run_as() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
init_cluster() {
  if [ ! -f "$data_dir/PG_VERSION" ]; then
    mkdir -p "$data_dir"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$data_dir"
    chmod 700 "$data_dir"
    pwfile="$(mktemp)"; echo postgres > "$pwfile"; chmod 644 "$pwfile"
    run_as "$bin/initdb" -D "$data_dir" -U postgres --pwfile="$pwfile" -A scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
    rm -f "$pwfile"
    cat >> "$data_dir/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
max_connections = 300
shared_buffers = 256MB
fsync = ${IMAGETAGGER_PG_FSYNC:-on}
CONF
    # The application's database, made in single-user mode before any client can connect (so the first
    # connection never meets a missing database).
    echo "CREATE DATABASE imagetagger" | run_as "$bin/postgres" --single -D "$data_dir" postgres >/dev/null
  fi
}

# A postmaster.pid left by a killed run: PostgreSQL itself refuses to start when the pid in it is alive, and in a
# fresh process namespace that pid may now belong to anything. Only the AppHost holding the data folder's lock
# calls `run`, so a live postgres on this data folder is a leftover: stop it; any other pid is stale.
clear_stale_lock() {
  local lock="$data_dir/postmaster.pid" pid
  [ -f "$lock" ] || return 0
  pid="$(head -n1 "$lock" 2>/dev/null || true)"
  if [ -n "$pid" ] && [ -r "/proc/$pid/cmdline" ] && tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q "postgres" \
     && [ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" = "$(cd "$data_dir" && pwd -P)" ]; then
    echo "stopping PostgreSQL (pid $pid) left running on $data_dir by an earlier run" >&2
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$lock"
}

conn="Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres;Database=imagetagger"

case "$cmd" in
  start)
    init_cluster
    if run_as "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
      :
    else
      run_as "$bin/pg_ctl" -D "$data_dir" -o "-p $port" -l "$data_dir/server.log" -w -t 60 start >/dev/null
    fi
    echo "$conn"
    ;;
  run)
    if [ "$(id -u)" -eq 0 ] && ! setpriv --reuid=postgres --regid=postgres --init-groups test -x "$(dirname "$data_dir")"; then
      echo "PostgreSQL runs as user 'postgres' (it refuses root), and that user cannot enter $(dirname "$data_dir"):" \
           "fix with 'chmod o+x' on it and its parents, or choose a data folder every user can enter (e.g. /var/tmp/imagetagger)." >&2
      exit 1
    fi
    init_cluster
    clear_stale_lock
    echo "PostgreSQL 15 on 127.0.0.1:$port, data in $data_dir"
    # setpriv (not runuser, which kills its child 2 s after SIGTERM) keeps postgres our direct child, so the trap
    # can turn the supervisor's SIGTERM into SIGINT: a fast shutdown that ends client sessions instead of waiting.
    if [ "$(id -u)" -eq 0 ]; then
      setpriv --reuid=postgres --regid=postgres --init-groups "$bin/postgres" -D "$data_dir" -p "$port" &
    else
      "$bin/postgres" -D "$data_dir" -p "$port" &
    fi
    pid=$!
    trap 'kill -INT "$pid" 2>/dev/null' TERM INT
    status=0
    wait "$pid" || status=$?
    # wait returns early when a trapped signal arrives: wait again for the server itself.
    while kill -0 "$pid" 2>/dev/null; do wait "$pid" || status=$?; done
    exit "$status"
    ;;
  stop)
    if run_as "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
      run_as "$bin/pg_ctl" -D "$data_dir" -m fast -w stop >/dev/null
    fi
    ;;
  status)
    if run_as "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then echo "running: $conn"; else echo "stopped"; exit 3; fi
    ;;
  *) echo "usage: $0 start|stop|status [--data-dir DIR] [--port N]" >&2; exit 2 ;;
esac

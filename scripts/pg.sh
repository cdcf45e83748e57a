#!/usr/bin/env bash
# Starts, stops or reports a local PostgreSQL 15 cluster bound to 127.0.0.1.
#   scripts/pg.sh start  [--data-dir DIR] [--port N]   creates the cluster on first use, prints its connection string
#   scripts/pg.sh stop   [--data-dir DIR]
#   scripts/pg.sh status [--data-dir DIR] [--port N]
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
conn="Host=127.0.0.1;Port=$port;Username=postgres;Password=postgres;Database=imagetagger"

case "$cmd" in
  start)
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
    fi
    if run_as "$bin/pg_ctl" -D "$data_dir" status >/dev/null 2>&1; then
      :
    else
      run_as "$bin/pg_ctl" -D "$data_dir" -o "-p $port" -l "$data_dir/server.log" -w -t 60 start >/dev/null
    fi
    echo "$conn"
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

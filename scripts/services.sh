#!/usr/bin/env bash
# The servers a cluster shares, from Debian's packages, each run in the foreground by the project
# itself (nothing system-wide is started or enabled): the tests and `npm run cluster` own them.
#   services.sh install                  install redis-server, postgresql and nginx (idempotent)
#   services.sh redis DIR PORT           Redis on 127.0.0.1:PORT, its files in DIR
#   services.sh postgres DIR PORT        PostgreSQL on 127.0.0.1:PORT, a new cluster in DIR if DIR has
#                                        none; database and user "webcompile", trust on loopback only
#   services.sh nginx CONF               nginx with the configuration file CONF
# Each server replaces this shell (exec), so its process id is the caller's child's: a signal to it
# (SIGKILL in the failover tests) reaches the server itself.
set -euo pipefail
cd "$(dirname "$0")/.."

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1)
  [ -n "$dir" ] || { echo "services.sh: PostgreSQL is not installed (services.sh install)" >&2; exit 1; }
  echo "$dir"
}

install() {
  local missing=()
  command -v redis-server >/dev/null || missing+=(redis-server)
  ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || missing+=(postgresql)
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx-light)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "[services] installing Debian's ${missing[*]}" >&2
    . scripts/apt.sh
    # The packages' own services are not started: no init system runs them here, and the
    # project runs its own on loopback ports.
    apt_install "${missing[@]}"
  fi
}

redis() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  # appendfsync always: a job or limit Redis has acknowledged survives its crash, as the store's rows do.
  exec redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' \
    --appendonly yes --appendfsync always --protected-mode yes --daemonize no --logfile ''
}

postgres() {
  local dir=$1 port=$2 bin
  bin=$(pg_bin)
  # PostgreSQL refuses to run as root: its files and process belong to Debian's postgres user.
  mkdir -p "$dir"
  # The postgres user must reach DIR: its parent (the caller's, often a 0700 temp folder) is opened
  # for traversal only.
  chmod a+x "$(dirname "$(realpath "$dir")")"
  chown postgres:postgres "$dir"
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    setpriv --reuid=postgres --regid=postgres --init-groups \
      "$bin/initdb" -D "$dir" -U webcompile --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
    # The database the instances use, made before the server listens: single-user mode, no socket.
    echo 'CREATE DATABASE webcompile;' | setpriv --reuid=postgres --regid=postgres --init-groups \
      "$bin/postgres" --single -D "$dir" template1 >/dev/null
  fi
  exec setpriv --reuid=postgres --regid=postgres --init-groups \
    "$bin/postgres" -D "$dir" -h 127.0.0.1 -p "$port" -k "$dir" -c fsync=on -c synchronous_commit=on \
    -c listen_addresses=127.0.0.1 -c logging_collector=off
}

nginx_() {
  local conf=$1
  exec /usr/sbin/nginx -c "$(realpath "$conf")" -g 'daemon off;'
}

case "${1:-}" in
  install) install ;;
  redis) redis "$2" "$3" ;;
  postgres) postgres "$2" "$3" ;;
  nginx) nginx_ "$2" ;;
  *) echo "usage: services.sh install | redis DIR PORT | postgres DIR PORT | nginx CONF" >&2; exit 2 ;;
esac

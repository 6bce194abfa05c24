#!/usr/bin/env bash
# A throwaway PostgreSQL for the tests: `scripts/postgres.sh start DIR` installs Debian's postgresql if needed,
# creates a cluster in DIR (owned by the unprivileged `postgres` user), starts it on 127.0.0.1 on a free port with
# trust authentication for loopback, and prints its URL (postgres://postgres@127.0.0.1:PORT/postgres?sslmode=disable).
# `scripts/postgres.sh stop DIR` stops it and removes DIR.
# POSTGRES_SETTINGS replaces the default server settings (`-c fsync=off`: tests need no durability);
# POSTGRES_CPUS pins the server to those CPUs (taskset), as the benchmarks do.
set -euo pipefail
action="${1:?start|stop}"
dir="${2:?data directory}"

bindir() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

case "$action" in
start)
    if [ -z "$(bindir)" ]; then
        echo "postgres: installing postgresql (Debian)" >&2
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql) >/dev/null
    fi
    bin="$(bindir)"
    id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent --shell /usr/sbin/nologin postgres
    rm -rf "$dir" && mkdir -p "$dir" && chown postgres "$dir"
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
    # su starts in the caller's directory, which the postgres user may not enter (a mktemp -d clone): start at /.
    runas() { if [ "$(id -u)" = 0 ]; then (cd / && su -s /bin/sh postgres -c "$*"); else sh -c "$*"; fi; }
    runas "'$bin/initdb' -D '$dir/data' -U postgres --auth=trust -E UTF8 >/dev/null"
    settings="${POSTGRES_SETTINGS:--c fsync=off}"
    pin="${POSTGRES_CPUS:+taskset -c $POSTGRES_CPUS}"
    runas "$pin '$bin/pg_ctl' -D '$dir/data' -l '$dir/log' -w -o \"-c listen_addresses=127.0.0.1 -p $port -k '$dir' $settings -c max_connections=200\" start >/dev/null"
    echo "postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
    ;;
stop)
    bin="$(bindir)"
    if [ -d "$dir/data" ]; then
        if [ "$(id -u)" = 0 ]; then su -s /bin/sh postgres -c "'$bin/pg_ctl' -D '$dir/data' -m immediate stop" >/dev/null 2>&1 || true
        else "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true; fi
    fi
    rm -rf "$dir"
    ;;
esac

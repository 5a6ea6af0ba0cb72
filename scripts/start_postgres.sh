#!/usr/bin/env bash
# Starts a throw-away PostgreSQL server on 127.0.0.1:${PGPORT:-55432} with a database
# synco_test (user synco, trust auth) and prints the URL for SYNCO_TEST_POSTGRES. With
# PG_DATA_OUT set, writes the server's data directory to that file (scripts/stop_postgres.sh
# stops the server and removes it).
# Installs Debian's postgresql package when no server binaries are present.
set -euo pipefail
. "$(dirname "$0")/postgres_common.sh"
port="${PGPORT:-55432}"
bin="$(pg_bin)"
if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
    bin="$(pg_bin)"
    [ -n "$bin" ] || { echo "start_postgres.sh: no server binaries under /usr/lib/postgresql/*/bin after installing postgresql" >&2; exit 1; }
fi
data="$(mktemp -d /tmp/synco-pg.XXXXXX)"
if [ -n "${PG_DATA_OUT:-}" ]; then echo "$data" > "$PG_DATA_OUT"; fi
if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd -r -m postgres
    chown postgres "$data"
fi
as_postgres "'$bin/initdb' -D '$data' -U synco --auth=trust -E UTF8 >/dev/null"
as_postgres "'$bin/pg_ctl' -D '$data' -o \"-p $port -k /tmp -c listen_addresses=127.0.0.1 -c fsync=on\" -l '$data/log' -w start >/dev/null"
"$bin/createdb" -h 127.0.0.1 -p "$port" -U synco synco_test
echo "postgres://synco@127.0.0.1:$port/synco_test"

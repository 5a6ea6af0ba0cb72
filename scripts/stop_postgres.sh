#!/usr/bin/env bash
# Stops a server that scripts/start_postgres.sh started and removes its data directory, given
# that directory (start_postgres.sh writes it to the file named by PG_DATA_OUT).
set -euo pipefail
data="${1:-}"
[ -n "$data" ] && [ -d "$data" ] || exit 0
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)"
if [ -n "$bin" ] && [ -x "$bin/pg_ctl" ]; then
    if [ "$(id -u)" = 0 ]; then
        su postgres -s /bin/bash -c "'$bin/pg_ctl' -D '$data' -m fast -w stop >/dev/null 2>&1" || true
    else
        "$bin/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || true
    fi
fi
rm -rf "$data"

#!/usr/bin/env bash
# Stops a server that scripts/start_postgres.sh started and removes its data directory, given
# that directory (start_postgres.sh writes it to the file named by PG_DATA_OUT).
set -euo pipefail
. "$(dirname "$0")/postgres_common.sh"
data="${1:-}"
[ -n "$data" ] && [ -d "$data" ] || exit 0
bin="$(pg_bin)"
if [ -n "$bin" ] && [ -x "$bin/pg_ctl" ]; then
    as_postgres "'$bin/pg_ctl' -D '$data' -m fast -w stop >/dev/null 2>&1" || true
fi
rm -rf "$data"

#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with schemathesis.
#
# Starts `synco serve` on a fresh SQLite database in a temp dir (example federation loaded,
# high --rate-limit), then runs schemathesis 4.x against http://127.0.0.1:PORT/openapi.json
# with the admin token, checking not_a_server_error, status_code_conformance,
# content_type_conformance and response_schema_conformance. Exits non-zero when schemathesis
# reports failures (its exit code is passed through).
#
# Usage: scripts/schemathesis_run.sh [extra schemathesis args...]
# Environment:
#   SYNCO_BIN        server binary (default .build/debug/synco; a private copy is run)
#   ST_MAX_EXAMPLES  examples per operation and phase (default 40)
#   ST_MAX_TIME      time budget in seconds for the whole run (default 170)
#   ST_WORKERS       schemathesis workers (default 1; requests are then sequential)
#   ST_PHASES        phases (default examples,coverage,fuzzing)
#   ST_SEED          seed (default 1, for reproducible runs)
#   ST_REPORT_DIR    where the JUnit / NDJSON reports go (default: the temp dir, kept on failure)
#   ST_TOKEN         member instead of admin token: a member name from the example (e.g. ana)
#   ST_FIXED_IDS=1   pin the path parameters to existing ids (council=mill-street, an open number
#                    decision "st-open", the seeded plan) so the fuzzer reaches past the 404s
set -uo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
bin="${SYNCO_BIN:-$repo/.build/debug/synco}"
[ -x "$bin" ] || { echo "no server binary at $bin (set SYNCO_BIN)" >&2; exit 2; }

if ! command -v schemathesis >/dev/null 2>&1; then
    python3 -m pip install -q 'schemathesis>=4,<5' >&2 || { echo "pip install schemathesis failed" >&2; exit 2; }
fi
st="$(command -v schemathesis || echo "python3 -m schemathesis.cli")"
echo "schemathesis: $($st --version 2>&1)"

work="$(mktemp -d /tmp/synco-schemathesis.XXXXXX)"
cp "$bin" "$work/synco"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
server_pid=""
cleanup() {
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null
    fi
}
trap cleanup EXIT

(cd "$work" && exec env -u SYNCO_ADMIN_TOKEN ./synco serve --port "$port" --database "sqlite:$work/synco.sqlite" \
    --example "$repo/examples/federation.json" --rate-limit 1000000 >"$work/server.log" 2>&1) &
server_pid=$!
for _ in $(seq 1 600); do
    curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
    kill -0 "$server_pid" 2>/dev/null || { echo "server exited:" >&2; cat "$work/server.log" >&2; exit 2; }
    sleep 0.2
done
curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { echo "server not healthy" >&2; cat "$work/server.log" >&2; exit 2; }

if [ -n "${ST_TOKEN:-}" ]; then
    token="$(awk -v m="$ST_TOKEN" '$1==m {print $2}' "$work/synco-example-tokens.txt")"
else
    token="$(cat "$work/synco-admin.token")"
fi
config_args=()
if [ "${ST_FIXED_IDS:-0}" = 1 ]; then
    admin="$(cat "$work/synco-admin.token")"
    curl -fsS -o /dev/null -X POST "http://127.0.0.1:$port/api/v1/decisions" -H "Authorization: Bearer $admin" \
        -d '{"id":"st-open","council":"riverside","title":"fuzzed","method":"number","lower":0,"upper":1000}'
    plan="$(curl -fsS "http://127.0.0.1:$port/api/v1/plans" | python3 -c 'import json,sys; p=json.load(sys.stdin); print(p[0]["id"] if p else "none")')"
    cat > "$work/schemathesis.toml" <<EOT
[parameters]
"path.council" = "mill-street"
"path.decision" = "st-open"
"path.plan" = "$plan"
EOT
    config_args=(--config-file "$work/schemathesis.toml")
fi
reports="${ST_REPORT_DIR:-$work/report}"
mkdir -p "$reports" && reports="$(cd "$reports" && pwd)"
echo "server $bin on port $port, database $work/synco.sqlite, reports in $reports"

# Run from the temp dir: schemathesis keeps a .schemathesis/ cache in its working directory.
cd "$work" || exit 2
$st "${config_args[@]}" run "http://127.0.0.1:$port/openapi.json" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "${ST_MAX_EXAMPLES:-40}" \
    --max-time "${ST_MAX_TIME:-170}" \
    --workers "${ST_WORKERS:-1}" \
    --phases "${ST_PHASES:-examples,coverage,fuzzing}" \
    --seed "${ST_SEED:-1}" \
    --request-timeout 30 \
    --suppress-health-check all \
    --continue-on-failure \
    --output-truncate false \
    --report junit,ndjson --report-dir "$reports" \
    "$@"
rc=$?

if ! kill -0 "$server_pid" 2>/dev/null; then
    echo "the server died during the run; its log:" >&2; tail -50 "$work/server.log" >&2; rc=${rc:-1}; [ "$rc" = 0 ] && rc=1
elif ! curl -fsS -m 5 "http://127.0.0.1:$port/health" >/dev/null; then
    echo "the server no longer answers /health after the run" >&2; [ "$rc" = 0 ] && rc=1
fi
if [ "$rc" = 0 ]; then
    rm -rf "$work"
    echo "schemathesis: no failures"
else
    echo "schemathesis exit $rc; kept $work (server.log, reports)"
fi
exit "$rc"

# Sourced by scripts/start_postgres.sh and scripts/stop_postgres.sh: where Debian's server
# binaries are (the newest version installed; empty when none), and how to run a command as the
# server's user (postgres when run as root, which initdb and pg_ctl refuse to run as).
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true; }
as_postgres() {
    if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi
}

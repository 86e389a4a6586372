#!/usr/bin/env bash
# Restore a backup made by backup.sh: checks the checksums and every archive first, then for each component drops
# its database (closing its connections), creates it again and restores it with pg_restore in one transaction;
# with ATTACHMENTS_DIR set, unpacks attachments.tar.gz into it. Stop the services first (deploy/README.md).
#
#   DATABASE_URL=postgresql://postgres@db.example.org:5432/postgres deploy/restore.sh --yes /srv/backups/halfsky-…
#   … deploy/restore.sh --yes DIR cases          only the cases database (any of gateway cases projects indicators)
#
# Settings: see pgtools.sh (DATABASE_URL, DB_PREFIX — restore under another prefix to try a backup out —,
# PGPASSWORD_FILE, PG_BIN), and
#   RESTORE_OWNER     owner of the re-created databases (e.g. halfsky when restoring as the superuser)
#   RESTORE_NO_OWNER  1: restore without the dump's owners and grants (into a server without its roles)
#   ATTACHMENTS_DIR   where the cases service keeps attachments ({CASES_DATA_DIR}/attachments)
# The connecting role needs CREATEDB (or be the superuser) and must own the databases it drops.
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=pgtools.sh
. "$(dirname "${BASH_SOURCE[0]}")/pgtools.sh"

usage() {
    echo "usage: ${0##*/} --yes BACKUP_DIR [COMPONENT…]   (drops and replaces the databases named in BACKUP_DIR)" >&2
    exit 2
}
confirmed=0
if [ "${1:-}" = --yes ]; then
    confirmed=1
    shift
fi
[ $# -ge 1 ] || usage
dir=${1%/}
shift
components=("$@")
[ ${#components[@]} -gt 0 ] || components=("${HALFSKY_COMPONENTS[@]}")
for c in "${components[@]}"; do
    [[ " ${HALFSKY_COMPONENTS[*]} " == *" $c "* ]] || pg_die "unknown component $c (one of: ${HALFSKY_COMPONENTS[*]})"
done
[ -f "$dir/SHA256SUMS" ] || pg_die "$dir is not a complete backup (no SHA256SUMS)"

pg_setup
(cd "$dir" && sha256sum --check --quiet SHA256SUMS) || pg_die "checksums of $dir do not match"
for c in "${components[@]}"; do
    [ -f "$dir/halfsky_$c.dump" ] || pg_die "$dir has no halfsky_$c.dump"
    "$PGBIN/pg_restore" --list "$dir/halfsky_$c.dump" >/dev/null || pg_die "halfsky_$c.dump is not a readable archive"
done
if [ "$confirmed" != 1 ]; then
    echo "would replace: $(for c in "${components[@]}"; do printf '%s ' "$(pg_db_name "$c")"; done)" >&2
    usage
fi

options=(--exit-on-error --single-transaction --no-password)
[ "${RESTORE_NO_OWNER:-0}" = 1 ] && options+=(--no-owner --no-acl)
for c in "${components[@]}"; do
    db=$(pg_db_name "$c")
    "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -v db="$db" -v owner="${RESTORE_OWNER:-}" \
        -d "$(pg_url "$PG_MAINT_DB")" <<'SQL'
DROP DATABASE IF EXISTS :"db" WITH (FORCE);
SELECT format('CREATE DATABASE %I', :'db')
       || CASE WHEN :'owner' <> '' THEN format(' OWNER %I', :'owner') ELSE '' END \gexec
SQL
    "$PGBIN/pg_restore" "${options[@]}" --dbname="$(pg_url "$db")" "$dir/halfsky_$c.dump"
    echo "restored $db" >&2
done

if [ -n "${ATTACHMENTS_DIR:-}" ] && [ -f "$dir/attachments.tar.gz" ] && [[ " ${components[*]} " == *" cases "* ]]; then
    mkdir -p "$ATTACHMENTS_DIR"
    tar -C "$ATTACHMENTS_DIR" -xzf "$dir/attachments.tar.gz"
    echo "unpacked attachments into $ATTACHMENTS_DIR" >&2
fi
echo "restored from $dir"

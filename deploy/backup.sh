#!/usr/bin/env bash
# Back up HalfSky: each of the four databases with pg_dump (custom format, one file each) into a new dated folder
#   OUT_DIR/halfsky-YYYYMMDDTHHMMSSZ/{halfsky_gateway,halfsky_cases,halfsky_projects,halfsky_indicators}.dump
# with MANIFEST (versions, source databases) and SHA256SUMS, and attachments.tar.gz of the cases service's
# attachments when ATTACHMENTS_DIR is set. Prints the folder. A failed run leaves no folder behind.
#
#   DATABASE_URL=postgresql://halfsky@db.example.org:5432/postgres deploy/backup.sh /srv/backups
#
# Settings: see pgtools.sh (DATABASE_URL, DB_PREFIX, PGPASSWORD_FILE, PG_BIN), and
#   ATTACHMENTS_DIR  the cases service's attachments folder ({CASES_DATA_DIR}/attachments) to archive too
#   BACKUP_KEEP      keep only this many newest complete backups in OUT_DIR (default: keep all)
# CASES_DATA_KEY is deliberately not part of the backup: keep it apart (deploy/README.md, "Backups").
set -euo pipefail
# shellcheck source-path=SCRIPTDIR source=pgtools.sh
. "$(dirname "${BASH_SOURCE[0]}")/pgtools.sh"

out_root=${1:-${BACKUP_DIR:-./backups}}
pg_setup

umask 077
mkdir -p "$out_root"
dir="$out_root/halfsky-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir "$dir"
finished=0
cleanup() { [ "$finished" = 1 ] || rm -rf "$dir"; }
trap cleanup EXIT

for c in "${HALFSKY_COMPONENTS[@]}"; do
    db=$(pg_db_name "$c")
    pg_database_exists "$db" || pg_die "database $db does not exist on the server"
    "$PGBIN/pg_dump" --format=custom --no-password --file="$dir/halfsky_$c.dump.part" --dbname="$(pg_url "$db")"
    "$PGBIN/pg_restore" --list "$dir/halfsky_$c.dump.part" >/dev/null # readable as an archive
    mv "$dir/halfsky_$c.dump.part" "$dir/halfsky_$c.dump"
    echo "dumped $db" >&2
done

if [ -n "${ATTACHMENTS_DIR:-}" ]; then
    [ -d "$ATTACHMENTS_DIR" ] || pg_die "ATTACHMENTS_DIR $ATTACHMENTS_DIR is not a folder"
    tar -C "$ATTACHMENTS_DIR" -czf "$dir/attachments.tar.gz" .
    echo "archived attachments from $ATTACHMENTS_DIR" >&2
fi

{
    echo "created: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "server_major: $PG_SERVER_MAJOR"
    echo "pg_dump: $("$PGBIN/pg_dump" --version)"
    echo "db_prefix: $DB_PREFIX"
    for c in "${HALFSKY_COMPONENTS[@]}"; do echo "database: $(pg_db_name "$c") -> halfsky_$c.dump"; done
} >"$dir/MANIFEST"
(cd "$dir" && sha256sum -- * >SHA256SUMS)
finished=1

if [ -n "${BACKUP_KEEP:-}" ]; then
    [[ $BACKUP_KEEP =~ ^[1-9][0-9]*$ ]] || pg_die "BACKUP_KEEP must be a positive number"
    mapfile -t complete < <(for d in "$out_root"/halfsky-*/; do [ -f "$d/SHA256SUMS" ] && echo "${d%/}"; done | sort -r)
    for old in "${complete[@]:BACKUP_KEEP}"; do
        rm -rf -- "$old"
        echo "pruned $old" >&2
    done
fi

echo "$dir"

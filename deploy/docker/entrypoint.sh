#!/bin/sh
# Entrypoint of every HalfSky image: turn secret files into the environment variables the settings read, then run
# the command. For each variable NAME_FROM_FILE=/path, NAME is set to the file's content (trailing newlines dropped),
# e.g. CASES_DATA_KEY_FROM_FILE=/run/secrets/cases_data_key or PGPASSWORD_FROM_FILE=/run/secrets/db_password.
# (Settings that take a file themselves, such as *_JWT_PUBLIC_KEY_FILE, need none of this.)
# With PROMETHEUS_MULTIPROC_DIR set (several uvicorn workers), that folder is emptied and created first, so /metrics
# adds up every worker's counts instead of answering for whichever worker took the scrape.
set -eu

if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
    rm -rf "$PROMETHEUS_MULTIPROC_DIR"
    mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
fi

for name in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)_FROM_FILE=.*/\1/p'); do
    path=$(printenv "${name}_FROM_FILE")
    if [ ! -r "$path" ]; then
        echo "halfsky-entrypoint: ${name}_FROM_FILE points at $path, which is not a readable file" >&2
        exit 64
    fi
    value=$(cat "$path")
    export "$name=$value"
    unset "${name}_FROM_FILE"
done

exec "$@"

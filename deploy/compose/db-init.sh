#!/bin/sh
# Compose's `db-init` step (postgres image, runs on every `up`, idempotent): the application role `halfsky` with
# the password of the db_password secret (re-applied each time, so changing the secret file rotates it), and the
# four databases owned by it. The services never connect as the superuser.
set -eu

secrets=${SECRETS_DIR:-/run/secrets}
PGPASSWORD=$(cat "$secrets/postgres_password")
export PGPASSWORD
psql -v ON_ERROR_STOP=1 -h "${PGHOST:-db}" -U postgres -d postgres \
    -v app_password="$(cat "$secrets/db_password")" -v prefix="${HALFSKY_DB_PREFIX:-}" <<'SQL'
SELECT 'CREATE ROLE halfsky LOGIN' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'halfsky') \gexec
SELECT format('ALTER ROLE halfsky WITH LOGIN PASSWORD %L', :'app_password') \gexec
SELECT format('CREATE DATABASE %I OWNER halfsky', :'prefix' || name)
  FROM unnest(ARRAY['halfsky_gateway', 'halfsky_cases', 'halfsky_projects', 'halfsky_indicators']) AS name
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'prefix' || name) \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', datname) FROM pg_database
 WHERE datname LIKE :'prefix' || 'halfsky\_%' \gexec
SQL
echo "db-init: role halfsky and its databases are in place"

#!/bin/sh
# First-start work of a one-host install (compose's `bootstrap` service, run from the gateway image after the
# migrations): the region tree or the demo data when asked, the first administrator, and the indicator service's
# internal client, whose id and secret are left in $HALFSKY_BOOTSTRAP_DIR for the indicator service to read.
# Safe to run again: an existing admin is kept and an existing client is not re-keyed (delete its two files to
# re-key it).
set -eu

cli() { python -m halfsky_gateway.cli "$@"; }
out=${HALFSKY_BOOTSTRAP_DIR:-/var/lib/halfsky/bootstrap}

# The tree first: create-admin loads the demo tree (广东省/广州市) into an empty database.
if [ -n "${HALFSKY_REGIONS_CSV:-}" ]; then
    cli import-tree "$HALFSKY_REGIONS_CSV"
fi
if [ "${HALFSKY_DEMO:-0}" = 1 ]; then
    cli demo-data
fi

# The password comes from HALFSKY_ADMIN_PASSWORD (a secret); keep it out of the container's log.
result=$(cli create-admin)
echo "$result" | sed 's/with password: .*/(password: the admin_password secret)/'

if [ ! -s "$out/indicators_client_secret" ]; then
    umask 077
    creds=$(cli service-client indicators-service)
    printf '%s' "${creds%% *}" >"$out/indicators_client_id.part"
    printf '%s' "${creds#* }" >"$out/indicators_client_secret.part"
    mv "$out/indicators_client_id.part" "$out/indicators_client_id"
    mv "$out/indicators_client_secret.part" "$out/indicators_client_secret"
    echo "indicator service client ${creds%% *} created; its secret is in $out"
fi

#!/usr/bin/env bash
# Make the keys and passwords a HalfSky install needs, once, into a folder (default deploy/secrets/):
#   jwt-private.pem, jwt-public.pem   RSA 3072 pair: the gateway signs access tokens, every service verifies
#   cases_data_key                    AES-256 key of victims' ID numbers, phones and addresses (back it up apart!)
#   cases_previous_data_keys          empty: the earlier data keys still read during a rotation
#   cases_hash_key                    empty: the duplicate-search key, derived from the oldest data key until pinned
#   projects_identity_key             key of the projects service's keyed hash of identity numbers
#   postgres_password, db_password    PostgreSQL superuser (compose's db only) and the application role `halfsky`
#   admin_password                    the first administrator's password
# Existing files are kept: run it again after deleting one file to replace only that one (see deploy/README.md on
# rotation before replacing a key). Needs openssl.
set -euo pipefail

dir=${1:-"$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/secrets"}
umask 077
mkdir -p "$dir"
chmod 700 "$dir"

made=()
new() {  # new NAME COMMAND...: write the command's output to NAME unless it exists
    local name=$1
    shift
    [ -s "$dir/$name" ] && return 0
    "$@" >"$dir/$name.part"
    mv "$dir/$name.part" "$dir/$name"
    made+=("$name")
}
empty() {  # empty NAME: an empty file NAME unless it exists (filled by hand during a key rotation)
    [ -e "$dir/$1" ] && return 0
    : >"$dir/$1"
    made+=("$1")
}
password() { printf '%s-7\n' "$(openssl rand -base64 24 | tr -d '\n' | tr '+/' 'xy')"; }
key32() { openssl rand -base64 32; }

new jwt-private.pem openssl genpkey -quiet -algorithm RSA -pkeyopt rsa_keygen_bits:3072
if [ ! -s "$dir/jwt-public.pem" ] || [[ " ${made[*]-} " == *" jwt-private.pem "* ]]; then
    openssl pkey -in "$dir/jwt-private.pem" -pubout -out "$dir/jwt-public.pem"
    made+=("jwt-public.pem")
fi
new cases_data_key key32
empty cases_previous_data_keys
empty cases_hash_key
new projects_identity_key key32
new postgres_password password
new db_password password
new admin_password password

# The containers run as uid 10001 and see each file bind-mounted on its own: the files are world-readable, the
# folder (0700) keeps other users of this host out.
chmod 644 "$dir"/*
echo "secrets in $dir${made[*]:+ (new: ${made[*]})}"

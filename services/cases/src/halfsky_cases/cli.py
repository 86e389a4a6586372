"""Operator commands of the cases service (data-key rotation; deploy/README.md, "Keys: generation and rotation").

python -m halfsky_cases.cli key-status            how many stored fields are under which data key
python -m halfsky_cases.cli reencrypt [--batch N]  rewrite every field not under CASES_DATA_KEY (resumable)
python -m halfsky_cases.cli hash-key              print the duplicate-search hash key in use, to pin CASES_HASH_KEY

They read the service's settings (CASES_DATA_KEY, CASES_PREVIOUS_DATA_KEYS, CASES_HASH_KEY, CASES_DATABASE_URL):
run them where the service runs (`kubectl exec deploy/cases`, `docker compose run --rm cases`).
"""

import argparse
import asyncio
import base64
import sys

from halfsky_cases.config import Settings
from halfsky_cases.protection import rotation
from halfsky_cases.protection.crypto import FieldCipher, hash_key, load_cipher
from halfsky_common.db import make_engine, make_sessionmaker


def _cipher(settings: Settings) -> FieldCipher:
    """The service's cipher; never a key file made on the spot (a command run in the wrong place would make one)."""
    if not settings.data_key and not (settings.data_dir / "keys" / "data.key").exists():
        folder = settings.data_dir / "keys"
        raise SystemExit(f"no CASES_DATA_KEY and no key file in {folder}: run this where the service runs")
    return load_cipher(settings)


async def _reencrypt(settings: Settings, batch: int) -> int:
    cipher = _cipher(settings)
    if settings.previous_data_keys and not settings.hash_key:
        print(
            "CASES_HASH_KEY is not set: it is derived from the oldest data key, which this rotation will remove.\n"
            "Pin it first: set CASES_HASH_KEY to the output of `python -m halfsky_cases.cli hash-key` (run with the\n"
            "old key still last in CASES_PREVIOUS_DATA_KEYS) wherever the service runs, then run reencrypt again.",
            file=sys.stderr,
        )
        return 2
    engine = make_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        report = await rotation.reencrypt(
            make_sessionmaker(engine),
            cipher,
            batch=batch,
            progress=lambda r: print(f"batch {r.batches}: {r.rows} rows so far", flush=True),
        )
    except rotation.RotationError as exc:
        print(f"reencrypt stopped: {exc}", file=sys.stderr)
        return 1
    finally:
        await engine.dispose()
    fields = ", ".join(f"{name} {n}" for name, n in sorted(report.fields.items())) or "none"
    keys = ", ".join(f"{key} {n}" for key, n in sorted(report.from_keys.items())) or "none"
    print(f"reencrypted {report.rows} rows in {report.batches} batches under key {cipher.key_id.hex()}")
    print(f"fields: {fields}; from keys: {keys}")
    print(f"fields still under another key: {report.remaining}")
    if report.remaining:
        print("some process still writes with an old CASES_DATA_KEY: roll every pod, then run reencrypt again")
    return 0


async def _key_status(settings: Settings) -> int:
    cipher = _cipher(settings)
    names = {kid.hex(): "previous" for kid in cipher.key_ids[1:]} | {cipher.key_id.hex(): "current"}
    engine = make_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        usage = await rotation.key_usage(make_sessionmaker(engine))
    finally:
        await engine.dispose()
    print(f"current key {cipher.key_id.hex()}; previous keys {' '.join(k.hex() for k in cipher.key_ids[1:]) or '-'}")
    for column, counts in usage.items():
        shown = ", ".join(
            f"{key} ({names.get(key, 'first format' if key == 'v1' else 'NOT IN THE RING')}): {n}"
            for key, n in sorted(counts.items())
        )
        print(f"{column}: {shown or 'empty'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="halfsky_cases.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("key-status", help="count the stored fields under each data key")
    re_parser = sub.add_parser("reencrypt", help="rewrite every encrypted field under the current data key")
    re_parser.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")
    sub.add_parser("hash-key", help="print the duplicate-search hash key in use (base64), to set CASES_HASH_KEY")
    args = parser.parse_args(argv)
    settings = Settings()
    if args.command == "hash-key":
        _cipher(settings)  # the same checks as the other commands
        print(base64.b64encode(hash_key(settings)).decode())
        return 0
    if args.command == "key-status":
        return asyncio.run(_key_status(settings))
    if args.batch < 1:
        parser.error("--batch must be at least 1")
    return asyncio.run(_reencrypt(settings, args.batch))


if __name__ == "__main__":
    raise SystemExit(main())

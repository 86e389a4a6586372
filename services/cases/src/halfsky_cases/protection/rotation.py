"""Re-encryption of every stored sensitive field under the current data key, after a key rotation.

Batches of rows, each in its own short transaction: the rows are locked (`FOR UPDATE`, so an edit made meanwhile is
neither lost nor overwritten), decrypted with the key ring, encrypted with the current key, written back, and one
audit row says how many fields moved from which key. Only fields not yet under the current key are selected, so a
run can stop anywhere and start again, and a second run converts nothing. Before a batch is written, the stored
duplicate-search digests of its plaintexts are recomputed: a mismatch means the hash key in use is not the one the
digests were made with (dropping the original data key before pinning `CASES_HASH_KEY` does that), and stops the run.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from sqlalchemy import Column, and_, bindparam, case, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.sql.elements import ColumnElement

from halfsky_cases.base import AuditEntry
from halfsky_cases.parties.models import Person
from halfsky_cases.protection.crypto import (
    FORMAT_V1,
    FORMAT_V2,
    KEY_ID_BYTES,
    FieldCipher,
    UnknownKeyError,
    id_number_digest,
)
from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.rows import table_of

ROTATION = Principal(
    id="system:reencrypt", name="数据密钥轮换", roles=frozenset(), org="", org_path="/", kind="service"
)

# Every encrypted column: (column, field name bound into the ciphertext, column of its digest or None).
PERSON = table_of(Person)
ENCRYPTED = (
    (PERSON.c.id_number_enc, "id_number", PERSON.c.id_number_hash),
    (PERSON.c.phone_enc, "phone", PERSON.c.phone_hash),
    (PERSON.c.address_enc, "address", None),
)


class RotationError(RuntimeError):
    """The run stopped; the batch at hand was not written (the ones before were)."""


class HashKeyMismatch(RotationError):
    """The stored digests were not made with the hash key in use."""


class UnreadableValue(RotationError):
    """A stored value no key of the ring decrypts."""


@dataclass
class Report:
    rows: int = 0
    batches: int = 0
    fields: Counter[str] = field(default_factory=Counter)  # converted, per column
    from_keys: Counter[str] = field(default_factory=Counter)  # converted, per key they were under
    remaining: int = 0  # fields still not under the current key after the run (written by a process on an old ring)


def key_label(blob: bytes | None) -> str:
    """Which key a blob is under: its key id in hex, or `v1` for the first format (no key id)."""
    head = bytes(blob or b"")[: 1 + KEY_ID_BYTES]
    if head[:1] == FORMAT_V1:
        return "v1"
    return head[1:].hex() if head[:1] == FORMAT_V2 else "unknown-format"


def _stale(cipher: FieldCipher, column: Column[Any]) -> ColumnElement[bool]:
    """A value in this column not under the current key."""
    prefix = cipher.current_prefix
    return and_(column.is_not(None), func.substr(column, 1, len(prefix)) != literal(prefix))


async def reencrypt(
    maker: async_sessionmaker[AsyncSession],
    cipher: FieldCipher,
    *,
    batch: int = 500,
    progress: Callable[[Report], None] | None = None,
) -> Report:
    """Rewrite every field not under the current key; the report counts what was converted and what remains."""
    report, after = Report(), None
    columns = [c for column, _, digest in ENCRYPTED for c in (column, digest) if c is not None] + [PERSON.c.id_type]
    stale = or_(*(_stale(cipher, column) for column, _, _ in ENCRYPTED))
    write = (
        update(PERSON)
        .where(PERSON.c.id == bindparam("row_id"))
        .values({column.name: bindparam(f"new_{column.name}") for column, _, _ in ENCRYPTED})
    )
    while True:
        async with maker() as session, session.begin():
            query = select(PERSON.c.id, *columns).where(stale).order_by(PERSON.c.id).limit(batch)
            if after is not None:
                query = query.where(PERSON.c.id > after)
            rows = (await session.execute(query.with_for_update(of=PERSON))).all()
            if not rows:
                break
            changes, fields, from_keys = _convert(cipher, rows)
            await session.execute(write, changes)
            record(
                session,
                AuditEntry,
                actor=ROTATION,
                action="data_key.reencrypt",
                entity_type="data_key",
                entity_id=cipher.key_id.hex(),
                rows=len(rows),
                fields=dict(fields),
                from_keys=dict(from_keys),
                first_id=str(rows[0].id),
                last_id=str(rows[-1].id),
            )
        after = rows[-1].id
        report.rows += len(rows)
        report.batches += 1
        report.fields.update(fields)
        report.from_keys.update(from_keys)
        if progress is not None:
            progress(report)
    report.remaining = await count_stale(maker, cipher)
    return report


def _convert(cipher: FieldCipher, rows: Any) -> tuple[list[dict[str, Any]], Counter[str], Counter[str]]:
    """The new values of each row (fields already current kept as they are), with counts by column and old key."""
    changes: list[dict[str, Any]] = []
    fields: Counter[str] = Counter()
    from_keys: Counter[str] = Counter()
    for row in rows:
        change: dict[str, Any] = {"row_id": row.id}
        for column, name, digest in ENCRYPTED:
            blob = row._mapping[column]
            change[f"new_{column.name}"] = blob
            if cipher.is_current(blob):
                continue
            try:
                plain = cipher.decrypt(name, blob)
            except (UnknownKeyError, InvalidTag) as exc:
                raise UnreadableValue(
                    f"person {row.id}: the {name} cannot be decrypted ({str(exc) or 'no key of the ring fits'}); "
                    "add the key it was written with to CASES_PREVIOUS_DATA_KEYS"
                ) from exc
            if digest is not None and _digest(cipher, name, plain, row) != row._mapping[digest]:
                raise HashKeyMismatch(
                    f"person {row.id}: the stored {digest.name} is not the digest of the {name} under the hash key "
                    "in use. CASES_HASH_KEY must be the key the digests were made with: if it is unset, keep the "
                    "original data key last in CASES_PREVIOUS_DATA_KEYS; nothing was written by this batch"
                )
            change[f"new_{column.name}"] = cipher.encrypt(name, plain)
            fields[column.name] += 1
            from_keys[key_label(blob)] += 1
        changes.append(change)
    return changes, fields, from_keys


def _digest(cipher: FieldCipher, name: str, plain: str | None, row: Any) -> str | None:
    """The digest the row's column should hold: an ID number's includes its document type (parties/service.py)."""
    if name == "id_number":
        return id_number_digest(cipher, row.id_type, plain)
    return cipher.digest(name, plain)


async def count_stale(maker: async_sessionmaker[AsyncSession], cipher: FieldCipher) -> int:
    """How many fields are not under the current key."""
    total = 0
    async with maker() as session:
        for column, _, _ in ENCRYPTED:
            total += (await session.execute(select(func.count()).where(_stale(cipher, column)))).scalar_one()
    return total


async def key_usage(maker: async_sessionmaker[AsyncSession]) -> dict[str, Counter[str]]:
    """For each encrypted column, how many values are under each key (key id in hex, or `v1`)."""
    usage: dict[str, Counter[str]] = {}
    async with maker() as session:
        for column, _, _ in ENCRYPTED:
            # The format byte and key id of the second format; the format byte alone of the first (then a nonce).
            head = case(
                (func.substr(column, 1, 1) == literal(FORMAT_V2), func.substr(column, 1, 1 + KEY_ID_BYTES)),
                else_=func.substr(column, 1, 1),
            )
            found = await session.execute(select(head, func.count()).where(column.is_not(None)).group_by(head))
            counts: Counter[str] = Counter()
            for blob, n in found.all():
                counts[key_label(blob)] += n
            usage[f"{column.table.name}.{column.name}"] = counts
    return usage

"""Claim an Idempotency-Key inside the request's transaction, or find the response it already produced."""

import hashlib
import json
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.idempotency.models import IdempotencyRecord
from halfsky_common.audit import utcnow
from halfsky_common.problems import Problem, field_error
from halfsky_common.rows import table_of

_RECORDS = table_of(IdempotencyRecord)
# Built once, values per call; on the table, not the ORM entity (an ORM update goes through its bulk machinery).
_CLAIM = insert(_RECORDS).on_conflict_do_nothing().returning(_RECORDS.c.key)
_REMEMBER = (
    update(_RECORDS)
    .where(_RECORDS.c.caller_id == bindparam("caller"), _RECORDS.c.key == bindparam("the_key"))
    .values(status_code=bindparam("status_code"), response=bindparam("response"))
)


def request_hash(body: Any) -> str:
    """A fingerprint of the request body, so a key reused for another request is caught."""
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


async def claim(
    *, session: AsyncSession, caller_id: str, key: str, endpoint: str, fingerprint: str
) -> IdempotencyRecord | None:
    """Reserve the key for this request (None), or return the record of the request that used it first.

    The insert takes the unique index's lock: a concurrent retry waits here until the first request commits
    (and then sees its response) or rolls back (and then claims the key itself).
    """
    if not 1 <= len(key) <= 200:
        raise Problem(
            422, "Idempotency-Key must be 1 to 200 characters.", errors=[field_error("Idempotency-Key", "bad length")]
        )
    inserted = await session.execute(
        _CLAIM,
        {"caller_id": caller_id, "key": key, "endpoint": endpoint, "request_hash": fingerprint, "created_at": utcnow()},
    )
    if inserted.scalar_one_or_none() is not None:
        return None
    first = (
        await session.execute(
            select(IdempotencyRecord).where(
                col(IdempotencyRecord.caller_id) == caller_id, col(IdempotencyRecord.key) == key
            )
        )
    ).scalar_one()
    if first.endpoint != endpoint or first.request_hash != fingerprint:
        raise Problem(
            422,
            "This Idempotency-Key was already used for a different request.",
            errors=[field_error("Idempotency-Key", "reused with another request body")],
        )
    return first


async def remember(
    *, session: AsyncSession, caller_id: str, key: str, status_code: int, response: dict[str, Any]
) -> None:
    """Store the response of the request that claimed the key (committed with the work it describes)."""
    await session.execute(
        _REMEMBER, {"caller": caller_id, "the_key": key, "status_code": status_code, "response": response}
    )

"""Idempotency-Key on creating requests: the first response is stored, a retry with the same key gets it back.

One rule for the three services, each with its own `idempotency_record` table (own database) defined from
`IdempotencyRecordBase`:

- A key belongs to its caller: records are keyed by (caller id, key), so one caller's key never replays another's.
- Fingerprint: SHA-256 of the method, the path and the raw body bytes. A retry is a resend of the same bytes, so the
  strict rule refuses nothing a real retry sends; it needs no schema (it is taken before the body is parsed), and
  it tells apart two creates under different paths (`/indicators/A/targets` and `/indicators/B/targets`) whose
  bodies are alike. The same key with another fingerprint is 422 (`idempotency_key_reused`).
- Claim first: the key's row is inserted inside the request's transaction before any work, so a concurrent request
  with the same key waits on the primary key until the first one commits (and then replays its response) or rolls
  back (and then does the work itself). A row without a response (a first request that committed before it was
  answered) is 409 `idempotency_key_in_flight`: the caller retries later, nothing is done twice.
- Replay: the same status, body and the stored headers of the first response (`REPLAYED_HEADERS`: `Location`,
  `ETag`), plus `Idempotent-Replayed: true`.

The stored body is the first response as its caller saw it (in cases, what the creator may see of a victim); it is
only ever replayed to the same caller and is kept nowhere else.
"""

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import DateTime, bindparam, select, update
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, SQLModel

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.concurrency import etag
from halfsky_common.problems import Problem, field_error

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
REPLAYED_HEADERS = ("Location", "ETag")
MAX_KEY_LENGTH = 200


class IdempotencyRecordBase(SQLModel):
    """Columns of every service's `idempotency_record`; subclass it with `table=True` in the service's registry."""

    # sa_type, not sa_column: a Column object would be shared by every service's subclass.
    caller_id: str = Field(primary_key=True, max_length=80)
    key: str = Field(primary_key=True, max_length=MAX_KEY_LENGTH)
    endpoint: str = Field(max_length=300)  # "POST /path"
    request_hash: str = Field(max_length=64)
    status_code: int | None = None  # None while the first request is not answered
    response: dict[str, Any] | None = Field(default=None, sa_type=JSONB, nullable=True)  # type: ignore[call-overload]
    headers: dict[str, str] | None = Field(default=None, sa_type=JSONB, nullable=True)  # type: ignore[call-overload]
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime(timezone=True), nullable=False)  # type: ignore[call-overload]


def check_key(key: str) -> None:
    """422 for a key that is empty, too long or carries control characters (it is logged and stored)."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise Problem(
            422,
            f"Idempotency-Key must be 1 to {MAX_KEY_LENGTH} printable characters.",
            errors=[field_error(HEADER, f"1 to {MAX_KEY_LENGTH} printable characters", "idempotency_key_invalid")],
        )


async def fingerprint(request: Request) -> str:
    """SHA-256 of the method, the path and the raw body bytes (see the module docstring for why raw bytes)."""
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    digest.update(await request.body())
    return digest.hexdigest()


def respond(status_code: int, body: Any, headers: Mapping[str, str], *, replayed: bool = False) -> JSONResponse:
    """The JSON response of a create, first or replayed."""
    sent = {name: value for name, value in headers.items() if name in REPLAYED_HEADERS}
    if replayed:
        sent[REPLAYED] = "true"
    return JSONResponse(body, status_code=status_code, headers=sent)


async def claim(
    session: AsyncSession, record: type[IdempotencyRecordBase], *, request: Request, caller_id: str, key: str
) -> JSONResponse | None:
    """Reserve the key for this request (None), or the replay of the request that used it first."""
    check_key(key)
    table = record.__table__  # type: ignore[attr-defined]
    endpoint = f"{request.method} {request.url.path}"
    request_hash = await fingerprint(request)
    inserted = await session.execute(
        insert(table)
        .values(caller_id=caller_id, key=key, endpoint=endpoint, request_hash=request_hash, created_at=utcnow())
        .on_conflict_do_nothing()
        .returning(table.c.key)
    )
    if inserted.scalar_one_or_none() is not None:
        return None
    first = (await session.execute(select(table).where(table.c.caller_id == caller_id, table.c.key == key))).one()
    if first.endpoint != endpoint or first.request_hash != request_hash:
        raise Problem(
            422,
            "This Idempotency-Key was already used for a different request.",
            errors=[field_error(HEADER, "reused with another request", "idempotency_key_reused")],
        )
    if first.status_code is None or first.response is None:
        raise Problem(
            409,
            "The first request with this Idempotency-Key has not finished.",
            code="idempotency_key_in_flight",
        )
    return respond(first.status_code, first.response, first.headers or {}, replayed=True)


async def remember(
    session: AsyncSession,
    record: type[IdempotencyRecordBase],
    *,
    caller_id: str,
    key: str,
    status_code: int,
    body: Any,
    headers: Mapping[str, str],
) -> None:
    """Store the response of the request that claimed the key (committed with the work it describes)."""
    table = record.__table__  # type: ignore[attr-defined]
    await session.execute(
        update(table)
        .where(table.c.caller_id == bindparam("caller"), table.c.key == bindparam("the_key"))
        .values(status_code=bindparam("status"), response=bindparam("body"), headers=bindparam("replay")),
        {
            "caller": caller_id,
            "the_key": key,
            "status": status_code,
            "body": body,
            "replay": {n: v for n, v in headers.items() if n in REPLAYED_HEADERS},
        },
    )


Created = tuple[Any, Mapping[str, str]]


async def run_idempotent(
    request: Request,
    session: AsyncSession,
    record: type[IdempotencyRecordBase],
    *,
    caller_id: str,
    create: Callable[[], Awaitable[Created]],
    key: str | None = None,
    status_code: int = 201,
) -> JSONResponse:
    """Run `create` once per (caller, Idempotency-Key) when a key is sent, commit, and answer with its result.

    `create` returns the JSON body (already `model_dump(mode="json")`-ed) and the headers of the first response.
    The key is read from the request unless the route passes it (routes that declare the header for OpenAPI).
    """
    key = key if key is not None else request.headers.get(HEADER)
    if key is not None:
        replay = await claim(session, record, request=request, caller_id=caller_id, key=key)
        if replay is not None:
            return replay
    body, headers = await create()
    if key is not None:
        await remember(
            session, record, caller_id=caller_id, key=key, status_code=status_code, body=body, headers=headers
        )
    await session.commit()
    return respond(status_code, body, headers)


async def run_model_create(
    request: Request,
    session: AsyncSession,
    user: Principal,
    create: Callable[[], Awaitable[BaseModel]],
    *,
    record: type[IdempotencyRecordBase],
    status_code: int = 201,
) -> JSONResponse:
    """`run_idempotent` for `user`'s create that returns a response model: its JSON body, with its ETag when it has a
    `version` (what projects and indicators answer on every create; each binds `record` to its own table)."""

    async def created() -> Created:
        body = (await create()).model_dump(mode="json")
        version = body.get("version")
        return body, {"ETag": etag(version)} if isinstance(version, int) else {}

    return await run_idempotent(request, session, record, caller_id=user.id, create=created, status_code=status_code)

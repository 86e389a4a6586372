"""Idempotency-Key on creating POSTs: the first response is stored and a replay returns it unchanged."""

import hashlib
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy import Column, DateTime, Integer, String, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB, insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import Field, col, select

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.concurrency import etag
from halfsky_common.problems import Problem, field_error
from halfsky_projects.base import Base

HEADER = "Idempotency-Key"


class IdempotencyRecord(Base, table=True):
    """A create request seen under a key, and the response it got."""

    __tablename__ = "idempotency_record"
    __table_args__ = (UniqueConstraint("actor_id", "key", name="uq_idempotency_actor_key"),)

    id: int | None = Field(default=None, primary_key=True)
    actor_id: str = Field(max_length=64)
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    body: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSONB, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    path: str = Field(sa_column=Column(String(300), nullable=False))


async def _request_hash(request: Request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.url.path}\n".encode())
    digest.update(await request.body())
    return digest.hexdigest()


async def run_idempotent(
    request: Request,
    session: AsyncSession,
    user: Principal,
    create: Callable[[], Awaitable[BaseModel]],
    *,
    status_code: int = 201,
) -> JSONResponse:
    """Run `create` once per Idempotency-Key (when given), commit, and answer with its result."""
    key = request.headers.get(HEADER)
    claimed_id: int | None = None
    if key is not None:
        if not 1 <= len(key) <= 200 or not key.isprintable():
            raise Problem(422, "The Idempotency-Key is not valid.", errors=[field_error(HEADER, "1–200 characters")])
        request_hash = await _request_hash(request)
        # Claiming the key first makes a concurrent duplicate wait on the unique index, then replay.
        claimed_id = (
            await session.execute(
                insert(IdempotencyRecord)
                .values(
                    actor_id=user.id,
                    key=key,
                    request_hash=request_hash,
                    path=request.url.path,
                    status_code=0,
                    body={},
                    created_at=utcnow(),
                )
                .on_conflict_do_nothing(constraint="uq_idempotency_actor_key")
                .returning(col(IdempotencyRecord.id))
            )
        ).scalar_one_or_none()
        if claimed_id is None:
            seen = (
                await session.execute(
                    select(IdempotencyRecord).where(IdempotencyRecord.actor_id == user.id, IdempotencyRecord.key == key)
                )
            ).scalar_one()
            if seen.request_hash != request_hash:
                raise Problem(
                    422,
                    "This Idempotency-Key was used for a different request.",
                    errors=[field_error(HEADER, "reused with another body or path")],
                )
            return _response(seen.status_code, seen.body, replayed=True)
    result = await create()
    body = result.model_dump(mode="json")
    if claimed_id is not None:
        record = await session.get(IdempotencyRecord, claimed_id)
        assert record is not None
        record.status_code = status_code
        record.body = body
    await session.commit()
    return _response(status_code, body, replayed=False)


def _response(status_code: int, body: dict[str, Any], *, replayed: bool) -> JSONResponse:
    headers = {"Idempotent-Replayed": "true"} if replayed else {}
    if isinstance(body.get("version"), int):
        headers["ETag"] = etag(body["version"])
    return JSONResponse(body, status_code=status_code, headers=headers)

"""Idempotency-Key on creating POSTs: the shared rule of `halfsky_common.idempotency`, in this service's table."""

from collections.abc import Awaitable, Callable

from fastapi import Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common import idempotency
from halfsky_common.auth import Principal
from halfsky_common.idempotency import IdempotencyRecordBase
from halfsky_projects.base import Base

HEADER = idempotency.HEADER


class IdempotencyRecord(IdempotencyRecordBase, Base, table=True):
    """A create request seen under a key, and the response it got."""

    __tablename__ = "idempotency_record"


async def run_idempotent(
    request: Request,
    session: AsyncSession,
    user: Principal,
    create: Callable[[], Awaitable[BaseModel]],
    *,
    status_code: int = 201,
) -> JSONResponse:
    """Run `create` once per Idempotency-Key (when given), commit, and answer with its result and its ETag."""
    return await idempotency.run_model_create(
        request, session, IdempotencyRecord, caller_id=user.id, create=create, status_code=status_code
    )

"""Fixed-window rate limits kept in the service's own database, so every replica counts the same attempts."""

from datetime import datetime

from sqlalchemy import DateTime, text
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlmodel import Field, SQLModel

from halfsky_common.problems import Problem


class RateCounterBase(SQLModel):
    """Columns of a service's `rate_counter` table; subclass with `table=True` in the service's registry."""

    key: str = Field(primary_key=True, max_length=200)
    window_start: datetime = Field(sa_type=DateTime(timezone=True), nullable=False)  # type: ignore[call-overload]
    count: int = 0


async def hit(engine: AsyncEngine, table: str, *, key: str, limit: int, window_seconds: int) -> int | None:
    """Count one attempt for `key`; return the seconds to wait when the limit is passed, else None.

    Runs in its own short transaction: a refused or failed request still counts.
    """
    sql = text(
        f"""
        INSERT INTO {table} (key, window_start, count) VALUES (:key, now(), 1)
        ON CONFLICT (key) DO UPDATE SET
          count = CASE WHEN {table}.window_start < now() - make_interval(secs => :window)
                       THEN 1 ELSE {table}.count + 1 END,
          window_start = CASE WHEN {table}.window_start < now() - make_interval(secs => :window)
                              THEN now() ELSE {table}.window_start END
        RETURNING count, GREATEST(1, CEIL(EXTRACT(EPOCH FROM
          ({table}.window_start + make_interval(secs => :window) - now()))))::int AS retry_after
        """  # noqa: S608 (the table name is a constant of the calling service)
    )
    async with engine.begin() as conn:
        count, retry_after = (await conn.execute(sql, {"key": key, "window": window_seconds})).one()
    return int(retry_after) if count > limit else None


def too_many(retry_after: int, what: str) -> Problem:
    """429 with Retry-After."""
    return Problem(
        429, f"Too many {what}; try again in {retry_after} seconds.", headers={"Retry-After": str(retry_after)}
    )

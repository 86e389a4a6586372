"""Rate limits kept in the service's own database, so every replica counts the same attempts: fixed windows
(`hit`) and growing delays after repeated failures (`Backoff`)."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class Backoff:
    """Growing delays after failures on one key: none for the first `after`, then `base_seconds` doubling with each
    further failure up to `max_seconds`; a key quiet for `forget_seconds` starts again.

    Unlike a lock, this keeps the key usable (one try per delay) and, keyed per (account, address), a stranger's
    failures never delay the owner at her own address (OWASP's advice against lockouts anyone can trigger).
    """

    after: int
    base_seconds: int
    max_seconds: int
    forget_seconds: int

    def delay(self, failures: int) -> int:
        """Seconds to wait after the `failures`-th failure before the next try."""
        if failures < self.after:
            return 0
        doublings: int = min(failures - self.after, 30)
        return min(self.max_seconds, self.base_seconds << doublings)


async def begin_attempt(engine: AsyncEngine, table: str, *, key: str, backoff: Backoff) -> tuple[int | None, int]:
    """Reserve one try for `key`: (seconds still to wait, or None when it may go ahead; failures now counted).

    An allowed try is counted as a failure at once, before the (slow) check it guards, so parallel tries cannot all
    slip in under the threshold; `clear_attempts` forgets them when the try succeeds. A refused try counts nothing.
    """
    insert = text(
        f"INSERT INTO {table} (key, window_start, count) VALUES (:key, now(), 0) ON CONFLICT (key) DO NOTHING"  # noqa: S608
    )
    select = text(
        f"""
        SELECT CASE WHEN window_start < clock_timestamp() - make_interval(secs => :forget) THEN 0 ELSE count END,
               EXTRACT(EPOCH FROM (clock_timestamp() - window_start))
        FROM {table} WHERE key = :key FOR UPDATE
        """  # noqa: S608 (the table name is a constant of the calling service)
    )
    update = text(f"UPDATE {table} SET count = :count, window_start = clock_timestamp() WHERE key = :key")  # noqa: S608
    async with engine.begin() as conn:
        await conn.execute(insert, {"key": key})
        failures, since = (await conn.execute(select, {"key": key, "forget": backoff.forget_seconds})).one()
        # The clock at the row, not the transaction's start (now()): a try that waited for the row lock must not
        # measure from before the failure it waited for.
        delay = backoff.delay(int(failures))
        left = delay - float(since)
        if delay > 0 and left > 0:
            return max(1, int(left + 0.999)), int(failures)
        await conn.execute(update, {"key": key, "count": int(failures) + 1})
    return None, int(failures) + 1


async def clear_attempts(engine: AsyncEngine, table: str, *, key: str) -> None:
    """Forget the failures of `key` (its try succeeded)."""
    async with engine.begin() as conn:
        await conn.execute(text(f"DELETE FROM {table} WHERE key = :key"), {"key": key})  # noqa: S608

"""Human case numbers WQ-{org code}-{year}-{seq:06d}: gap-free per org and year, even under concurrency."""

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.cases.models import CaseNumberCounter


def format_number(org_code: str, year: int, seq: int) -> str:
    return f"WQ-{org_code}-{year}-{seq:06d}"


async def next_number(*, session: AsyncSession, org_code: str, year: int) -> str:
    """Take the next number in the caller's transaction.

    The counter row stays locked until that transaction ends, so concurrent intakes queue here; a rollback
    returns the number (the increment rolls back with it), which is what keeps the sequence gap-free.
    """
    await session.execute(
        insert(CaseNumberCounter).values(org_code=org_code, year=year, last_seq=0).on_conflict_do_nothing()
    )
    counter = (
        await session.execute(
            select(CaseNumberCounter)
            .where(col(CaseNumberCounter.org_code) == org_code, col(CaseNumberCounter.year) == year)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).scalar_one()
    counter.last_seq += 1
    await session.flush()
    return format_number(org_code, year, counter.last_seq)

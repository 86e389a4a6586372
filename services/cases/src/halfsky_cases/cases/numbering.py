"""Human case numbers WQ-{org code}-{year}-{seq:06d}: gap-free per org and year, even under concurrency."""

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_cases.cases.models import CaseNumberCounter
from halfsky_common.rows import table_of

_COUNTER = table_of(CaseNumberCounter)
# One statement, one round trip: create the org's counter for the year at 1, or add one to it. Either way the row
# stays locked (the insert's, or the update's row lock) until the transaction ends.
_NEXT = (
    insert(_COUNTER)
    .on_conflict_do_update(
        index_elements=[_COUNTER.c.org_code, _COUNTER.c.year], set_={"last_seq": _COUNTER.c.last_seq + 1}
    )
    .returning(_COUNTER.c.last_seq)
)


def format_number(org_code: str, year: int, seq: int) -> str:
    return f"WQ-{org_code}-{year}-{seq:06d}"


async def next_number(*, session: AsyncSession, org_code: str, year: int) -> str:
    """Take the next number in the caller's transaction.

    The counter row stays locked until that transaction ends, so concurrent intakes queue here; a rollback
    returns the number (the increment rolls back with it), which is what keeps the sequence gap-free. Take it as
    late in the transaction as you can: everything after it runs while other intakes of the org wait.
    """
    seq = (await session.execute(_NEXT, {"org_code": org_code, "year": year, "last_seq": 1})).scalar_one()
    return format_number(org_code, year, seq)

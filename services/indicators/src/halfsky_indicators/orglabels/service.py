"""Org unit names: stored from the gateway's tree (or a client), looked up for tables."""

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.orgpaths import code_of
from halfsky_indicators.orglabels.models import OrgLabel


async def names_for(session: AsyncSession, paths: Iterable[str]) -> dict[str, str]:
    """Known names of these units (unknown ones are simply absent)."""
    wanted = sorted(set(paths))
    if not wanted:
        return {}
    rows = await session.execute(select(col(OrgLabel.path), col(OrgLabel.name)).where(col(OrgLabel.path).in_(wanted)))
    return {p: n for p, n in rows.all()}


async def store(session: AsyncSession, labels: Sequence[tuple[str, str]]) -> int:
    """Insert or rename units by path."""
    if not labels:
        return 0
    for i in range(0, len(labels), 1000):
        stmt = insert(OrgLabel).values([{"path": p, "code": code_of(p), "name": n} for p, n in labels[i : i + 1000]])
        await session.execute(stmt.on_conflict_do_update(index_elements=["path"], set_={"name": stmt.excluded.name}))
    return len(labels)

"""Possible duplicates: same victim phone or ID, or same name and birth date, within a window; linked, not merged."""

import uuid
from datetime import timedelta

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlmodel import col

from halfsky_cases.cases.models import Case, CaseLink
from halfsky_cases.parties.models import Person


async def find_and_link(*, session: AsyncSession, case: Case, victim: Person, window_days: int) -> list[Case]:
    """Link `case` to earlier or later cases whose victim matches, received within `window_days` of it.

    The matching people are found first (each condition has its index), then their cases: an OR across the
    joined case and person tables can use no index and read every person (250 ms at 100,000 cases).
    """
    same = aliased(Person)  # its own FROM, not correlated with the joined victim below
    matches = [col(same.id) == victim.id]
    if victim.phone_hash:
        matches.append(col(same.phone_hash) == victim.phone_hash)
    if victim.id_number_hash:
        matches.append(col(same.id_number_hash) == victim.id_number_hash)
    if victim.birth_date is not None:
        matches.append(and_(col(same.name) == victim.name, col(same.birth_date) == victim.birth_date))
    window = timedelta(days=window_days)
    rows = (
        await session.execute(
            select(Case, Person)
            .join(Person, col(Person.id) == col(Case.victim_id))
            .where(
                col(Case.id) != case.id,
                col(Case.received_at).between(case.received_at - window, case.received_at + window),
                col(Case.victim_id).in_(select(col(same.id)).where(or_(*matches))),
            )
        )
    ).all()
    linked = []
    for other, other_victim in rows:
        reasons = _reasons(victim, other_victim)
        session.add(CaseLink(case_id=case.id, other_case_id=other.id, reasons=reasons))
        session.add(CaseLink(case_id=other.id, other_case_id=case.id, reasons=reasons))
        linked.append(other)
    return linked


def _reasons(a: Person, b: Person) -> list[str]:
    if a.id == b.id:
        return ["same_person"]
    reasons = []
    if a.phone_hash and a.phone_hash == b.phone_hash:
        reasons.append("phone")
    if a.id_number_hash and a.id_number_hash == b.id_number_hash:
        reasons.append("id_number")
    if a.birth_date is not None and a.name == b.name and a.birth_date == b.birth_date:
        reasons.append("name_birth_date")
    return reasons


async def links_of(*, session: AsyncSession, case_id: uuid.UUID) -> list[tuple[CaseLink, Case]]:
    """The duplicate links of a case with the other cases (the caller filters what the viewer may see)."""
    rows = await session.execute(
        select(CaseLink, Case)
        .join(Case, col(Case.id) == col(CaseLink.other_case_id))
        .where(col(CaseLink.case_id) == case_id)
        .order_by(col(Case.received_at).desc())
    )
    return [(link, other) for link, other in rows.all()]

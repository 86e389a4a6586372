"""Shaping cases for the caller: list items with masked values, details with parties and visible duplicates."""

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.cases.duplicates import links_of
from halfsky_cases.cases.models import Case, CaseParty
from halfsky_cases.cases.schemas import CaseDetail, CaseListItem, DuplicatePublic, PartyPublic
from halfsky_cases.cases.service import is_overdue
from halfsky_cases.parties.models import Person
from halfsky_cases.parties.service import masked_phone, present_fields, to_public
from halfsky_cases.protection.crypto import FieldCipher
from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal

LIST_FIELDS = set(CaseListItem.model_fields) - {"victim_name", "victim_phone", "overdue"}


async def victims_by_id(*, session: AsyncSession, cases: Sequence[Case]) -> dict[uuid.UUID, Person]:
    ids = {c.victim_id for c in cases}
    if not ids:
        return {}
    rows = await session.execute(select(Person).where(col(Person.id).in_(ids)))
    return {p.id: p for p in rows.scalars().all()}


def list_item(*, case: Case, victim: Person, cipher: FieldCipher) -> CaseListItem:
    """A case as a list row: the victim's phone masked."""
    return CaseListItem(
        **{name: getattr(case, name) for name in LIST_FIELDS},
        victim_name=victim.name,
        victim_phone=masked_phone(cipher=cipher, person=victim),
        overdue=is_overdue(case, utcnow()),
    )


async def list_items(*, session: AsyncSession, cases: Sequence[Case], cipher: FieldCipher) -> list[CaseListItem]:
    victims = await victims_by_id(session=session, cases=cases)
    return [list_item(case=c, victim=victims[c.victim_id], cipher=cipher) for c in cases]


async def detail(
    *, session: AsyncSession, case: Case, principal: Principal, cipher: FieldCipher, reveal: bool = False
) -> tuple[CaseDetail, dict[str, list[str]]]:
    """The full case, and which sensitive fields of which person were shown in plain text (for the access log)."""
    victim = await session.get(Person, case.victim_id)
    assert victim is not None
    party_rows = (
        await session.execute(
            select(CaseParty, Person)
            .join(Person, col(Person.id) == col(CaseParty.person_id))
            .where(col(CaseParty.case_id) == case.id)
            .order_by(col(CaseParty.role))
        )
    ).all()
    parties = [
        PartyPublic(
            role=p.role, relationship=p.relationship, person=to_public(cipher=cipher, person=person, reveal=reveal)
        )
        for p, person in party_rows
    ]
    revealed: dict[str, list[str]] = {}
    if reveal:
        for role, person in [("victim", victim), *((p.role, person) for p, person in party_rows)]:
            if present_fields(person):
                revealed[f"{role}:{person.id}"] = present_fields(person)
    duplicates = [
        DuplicatePublic(
            case_id=other.id,
            number=other.number,
            status=other.status,
            received_at=other.received_at,
            reasons=link.reasons,
            link_status=link.status,
        )
        for link, other in await links_of(session=session, case_id=case.id, principal=principal)
    ]
    item = list_item(case=case, victim=victim, cipher=cipher)
    extra = {
        name: getattr(case, name)
        for name in CaseDetail.model_fields
        if name not in CaseListItem.model_fields and hasattr(case, name)
    }
    return (
        CaseDetail(
            **item.model_dump(),
            **extra,
            victim=to_public(cipher=cipher, person=victim, reveal=reveal),
            parties=parties,
            possible_duplicates=duplicates,
        ),
        revealed,
    )

"""Possible duplicates: same victim phone or ID, or same name and birth date, within a window; linked, not merged."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache, partial
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.cases.access import case_filter
from halfsky_cases.cases.models import Case, CaseLink
from halfsky_cases.parties.models import Person
from halfsky_common.auth import Principal
from halfsky_common.rows import new_row, table_of

_CASE = table_of(Case)
_PERSON = table_of(Person)
_SAME = _PERSON.alias("same")  # the matching people: their own FROM, not correlated with the joined victim


@dataclass(frozen=True)
class Victim:
    """What matching needs of a person."""

    id: uuid.UUID
    name: str
    birth_date: date | None
    phone_hash: str | None
    id_number_hash: str | None

    @classmethod
    def of(cls, person: Any) -> "Victim":
        """From a `Person`, a person's row (a dict) or a result row with these columns."""
        get: Callable[[str], Any] = person.__getitem__ if isinstance(person, dict) else partial(getattr, person)
        return cls(get("id"), get("name"), get("birth_date"), get("phone_hash"), get("id_number_hash"))


@dataclass(frozen=True)
class Match:
    """An earlier or later case whose victim matches, and why."""

    case_id: uuid.UUID
    number: str
    reasons: list[str]


async def find_duplicates(
    *, session: AsyncSession, victim: Victim, received_at: datetime, window_days: int
) -> list[Match]:
    """Cases whose victim matches `victim`, received within `window_days` of `received_at` (run it before the new
    case is written: it would match itself).

    The matching people are found first (each condition has its index), then their cases: an OR across the
    joined case and person tables can use no index and read every person (250 ms at 100,000 cases). Built on the
    tables, once per combination of keys given, not on an aliased entity per call: building the aliased ORM
    query cost more CPU than running it.
    """
    window = timedelta(days=window_days)
    stmt = _query(bool(victim.phone_hash), bool(victim.id_number_hash), victim.birth_date is not None)
    params = {
        "victim_id": victim.id,
        "phone_hash": victim.phone_hash,
        "id_number_hash": victim.id_number_hash,
        "name": victim.name,
        "birth_date": victim.birth_date,
        "earliest": received_at - window,
        "latest": received_at + window,
    }
    rows = (await session.execute(stmt, params)).all()
    return [
        Match(
            row.id,
            row.number,
            _reasons(victim, Victim(row.person_id, row.name, row.birth_date, row.phone_hash, row.id_number_hash)),
        )
        for row in rows
    ]


@lru_cache(maxsize=16)
def _query(phone: bool, id_number: bool, birth_date: bool) -> Select[Any]:
    """The search for a victim with these keys given, built once (the values are bound per call)."""
    matches: list[ColumnElement[bool]] = [_SAME.c.id == bindparam("victim_id")]
    if phone:
        matches.append(_SAME.c.phone_hash == bindparam("phone_hash"))
    if id_number:
        matches.append(_SAME.c.id_number_hash == bindparam("id_number_hash"))
    if birth_date:
        matches.append(and_(_SAME.c.name == bindparam("name"), _SAME.c.birth_date == bindparam("birth_date")))
    return (
        select(
            _CASE.c.id,
            _CASE.c.number,
            _PERSON.c.id.label("person_id"),
            _PERSON.c.name,
            _PERSON.c.birth_date,
            _PERSON.c.phone_hash,
            _PERSON.c.id_number_hash,
        )
        .join(_PERSON, _PERSON.c.id == _CASE.c.victim_id)
        .where(
            _CASE.c.received_at.between(bindparam("earliest"), bindparam("latest")),
            _CASE.c.victim_id.in_(select(_SAME.c.id).where(or_(*matches))),
        )
    )


def link_rows(case_id: uuid.UUID, found: list[Match]) -> list[dict[str, Any]]:
    """The `case_link` rows of these matches, both directions."""
    rows = []
    for match in found:
        rows.append(new_row(CaseLink, case_id=case_id, other_case_id=match.case_id, reasons=match.reasons))
        rows.append(new_row(CaseLink, case_id=match.case_id, other_case_id=case_id, reasons=match.reasons))
    return rows


def _reasons(a: Victim, b: Victim) -> list[str]:
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


async def links_of(*, session: AsyncSession, case_id: uuid.UUID, principal: Principal) -> list[tuple[CaseLink, Case]]:
    """The duplicate links of a case whose other case the principal may see, newest other case first.

    Links are stored whatever the regions (a supervisor above both must see them) and filtered here, in the one
    query: a link to a case she may not see is neither shown nor counted, and costs the same as no link at all.
    """
    rows = await session.execute(
        select(CaseLink, Case)
        .join(Case, col(Case.id) == col(CaseLink.other_case_id))
        .where(col(CaseLink.case_id) == case_id, case_filter(principal))
        .order_by(col(Case.received_at).desc())
    )
    return [(link, other) for link, other in rows.all()]

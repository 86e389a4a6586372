"""Referring cases to partners and the partners' answers; a partner only ever touches its own referrals."""

import uuid
from typing import Any, TypeVar

from sqlalchemy import ColumnElement, Select, false, literal, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.actions.service import ensure_workable
from halfsky_cases.cases.access import case_filter
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.timeline import note_change
from halfsky_cases.parties.models import Person
from halfsky_cases.parties.service import masked_phone
from halfsky_cases.protection.crypto import FieldCipher
from halfsky_cases.referrals.models import Partner, Referral
from halfsky_cases.referrals.schemas import ReferralPublic
from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error, illegal_transition

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])

TRANSITIONS: dict[str, frozenset[str]] = {
    "sent": frozenset({"accepted", "declined"}),
    "accepted": frozenset({"completed"}),
    "declined": frozenset(),
    "completed": frozenset(),
}


def client_id_of(principal: Principal) -> str:
    """The gateway client id of a partner token (its subject is `client:<id>`)."""
    return principal.id.removeprefix("client:")


def referral_filter(principal: Principal) -> ColumnElement[bool]:
    """Partners: their own referrals; staff: referrals of cases they may see."""
    if principal.kind == "client":
        return col(Referral.partner_client_id) == client_id_of(principal)
    if principal.kind == "user":
        return case_filter(principal)
    return false()


def nearby(principal: Principal, column: Any) -> ColumnElement[bool]:
    """Registry rows at the caller's unit, above it or below it (a township uses its county's shelter)."""
    return or_(col(column).startswith(principal.org_path), literal(principal.org_path).startswith(col(column)))


async def refer(
    *, session: AsyncSession, case: Case, partner_id: uuid.UUID, service: str, note: str, actor: Principal
) -> Referral:
    ensure_workable(case)
    partner = (
        await session.execute(select(Partner).where(col(Partner.id) == partner_id, nearby(actor, Partner.org_path)))
    ).scalar_one_or_none()
    if partner is None or not partner.active:
        raise Problem(422, "No such partner in your region.", errors=[field_error("partner_id", "unknown partner")])
    referral = Referral(
        case_id=case.id,
        partner_id=partner.id,
        partner_client_id=partner.client_id,
        service=service,
        note=note,
        sent_by_name=actor.name,
    )
    session.add(referral)
    await session.flush()
    note_change(
        session,
        case=case,
        actor=actor,
        kind="referral_sent",
        summary=f"转介 {partner.name}: {service}",
        action="referral.send",
        entity_type="referral",
        entity_id=referral.id,
        audit={"case_id": str(case.id), "partner": partner.name},
        referral_id=str(referral.id),
        service=service,
    )
    return referral


async def move(*, session: AsyncSession, referral: Referral, case: Case, to: str, note: str, actor: Principal) -> None:
    """Accept, decline (with a reason) or complete (with the outcome)."""
    if to not in TRANSITIONS[referral.status]:
        allowed_from = [s for s, targets in TRANSITIONS.items() if to in targets]
        raise illegal_transition(
            f"A {referral.status} referral cannot become {to}.", current=referral.status, allowed_from=allowed_from
        )
    if to in ("declined", "completed") and not note.strip():
        raise Problem(422, "Give a reason or the outcome.", errors=[field_error("note", "required")])
    now = utcnow()
    referral.status = to
    if to == "accepted":
        referral.accepted_at, referral.response_note = now, note
    elif to == "declined":
        referral.declined_at, referral.response_note = now, note
    else:
        referral.completed_at, referral.outcome = now, note
    referral.version += 1
    note_change(
        session,
        case=case,
        actor=actor,
        kind=f"referral_{to}",
        summary=f"转介 {to}: {note[:80]}",
        action=f"referral.{to}",
        entity_type="referral",
        entity_id=referral.id,
        audit={"case_id": str(case.id)},
        referral_id=str(referral.id),
    )


JOINED = (Case, Partner, Person)


def joined(stmt: AnySelect) -> AnySelect:
    return (
        stmt.join(Case, col(Case.id) == col(Referral.case_id))
        .join(Partner, col(Partner.id) == col(Referral.partner_id))
        .join(Person, col(Person.id) == col(Case.victim_id))
    )


async def get_referral(
    *, session: AsyncSession, principal: Principal, referral_id: uuid.UUID, lock: bool = False
) -> tuple[Referral, Case, Partner, Person]:
    stmt = joined(select(Referral, Case, Partner, Person)).where(
        col(Referral.id) == referral_id, referral_filter(principal)
    )
    if lock:
        stmt = stmt.with_for_update(of=Referral).execution_options(populate_existing=True)  # type: ignore[arg-type]
    row = (await session.execute(stmt)).first()
    if row is None:
        raise Problem(404, "No such referral.")
    return row[0], row[1], row[2], row[3]


async def with_context(
    *, session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, tuple[Referral, Case, Partner, Person]]:
    """Referrals with their case, partner and victim, by id (for a page already filtered)."""
    if not ids:
        return {}
    rows = await session.execute(joined(select(Referral, *JOINED)).where(col(Referral.id).in_(ids)))
    return {r.id: (r, c, p, v) for r, c, p, v in rows.all()}


def to_public(referral: Referral, case: Case, partner: Partner, victim: Person, cipher: FieldCipher) -> ReferralPublic:
    return ReferralPublic(
        **referral.model_dump(exclude={"partner_client_id"}),
        case_number=case.number,
        case_summary=case.summary,
        case_category=case.primary_category,
        case_risk_level=case.risk_level,
        victim_name=victim.name,
        victim_phone=masked_phone(cipher=cipher, person=victim),
        partner_name=partner.name,
    )

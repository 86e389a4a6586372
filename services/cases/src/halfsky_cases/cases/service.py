"""Reading and changing one case: lookup with the region check, edits, transitions, assignment, risk, duplicates."""

import uuid
from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.cases.access import case_filter, ensure_case_visible
from halfsky_cases.cases.enums import Category, Status
from halfsky_cases.cases.intake import record_assessment, search_text
from halfsky_cases.cases.models import Case, CaseLink, CaseParty, RiskAssessment
from halfsky_cases.cases.risk import RiskAnswers
from halfsky_cases.cases.schemas import CaseUpdate, check_categories
from halfsky_cases.cases.timeline import note_change
from halfsky_cases.cases.workflow import TransitionInput, apply_transition
from halfsky_cases.parties.models import Person
from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error


async def get_case(*, session: AsyncSession, principal: Principal, case_id: uuid.UUID, lock: bool = False) -> Case:
    """The case if the principal may see it (404 otherwise); `lock` holds it for an update."""
    stmt = select(Case).where(col(Case.id) == case_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    case = (await session.execute(stmt)).scalar_one_or_none()
    if case is None:
        raise Problem(404, "No such case.")
    ensure_case_visible(principal, case)
    return case


def is_overdue(case: Case, now: datetime) -> bool:
    """Not accepted in time, or not resolved in time."""
    if case.status == Status.received:
        return case.accept_due_at < now
    if case.status in (Status.accepted, Status.in_progress):
        return case.resolve_due_at is not None and case.resolve_due_at < now
    return False


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """The same rule as `is_overdue`, in SQL."""
    return or_(
        and_(col(Case.status) == Status.received.value, col(Case.accept_due_at) < now),
        and_(
            col(Case.status).in_([Status.accepted.value, Status.in_progress.value]),
            col(Case.resolve_due_at) < now,
        ),
    )


def _touch(case: Case) -> None:
    case.version += 1
    case.updated_at = utcnow()


async def party_names(*, session: AsyncSession, case: Case) -> list[str]:
    rows = await session.execute(
        select(col(Person.name))
        .join(CaseParty, col(CaseParty.person_id) == col(Person.id))
        .where(col(CaseParty.case_id) == case.id)
    )
    victim = await session.get(Person, case.victim_id)
    return [victim.name if victim else "", *rows.scalars().all()]


async def refresh_search_text(*, session: AsyncSession, person_id: uuid.UUID) -> None:
    """After a name changed: rebuild the search text of every case the person appears in."""
    ids = select(col(CaseParty.case_id)).where(col(CaseParty.person_id) == person_id)
    cases = await session.execute(select(Case).where(or_(col(Case.victim_id) == person_id, col(Case.id).in_(ids))))
    for case in cases.scalars().all():
        case.search_text = search_text(case, await party_names(session=session, case=case))


async def update_case(*, session: AsyncSession, case: Case, data: CaseUpdate, actor: Principal) -> list[str]:
    """Change descriptive fields; the case must be locked and its version checked by the caller."""
    given = data.model_dump(exclude_unset=True, exclude_none=True)
    secondary = data.secondary_categories
    try:
        check_categories(
            data.primary_category or Category(case.primary_category),
            data.subcategory if data.subcategory is not None else case.subcategory,
            secondary if secondary is not None else [Category(c) for c in case.secondary_categories],
        )
    except ValueError as exc:
        raise Problem(422, str(exc), errors=[field_error("subcategory", str(exc))]) from None
    changed = []
    for name, value in given.items():
        stored = [v.value for v in value] if name == "secondary_categories" else getattr(value, "value", value)
        if stored != getattr(case, name):
            setattr(case, name, stored)
            changed.append(name)
    if changed:
        case.search_text = search_text(case, await party_names(session=session, case=case))
        _touch(case)
        note_change(
            session,
            case=case,
            actor=actor,
            kind="updated",
            summary="修改: " + ", ".join(changed),
            action="case.update",
            fields=changed,
        )
    return changed


async def transition_case(
    *, session: AsyncSession, case: Case, target: Status, given: TransitionInput, actor: Principal, resolve_days: int
) -> None:
    """Apply one step of the workflow and record it on the timeline and in the audit log."""
    now = utcnow()
    previous = apply_transition(case, target, given, now=now, resolve_days=resolve_days)
    _touch(case)
    detail = {k: v for k, v in vars(given).items() if v not in ("", None)}
    if "resolution_type" in detail:
        detail["resolution_type"] = str(detail["resolution_type"])
    note_change(
        session,
        case=case,
        actor=actor,
        kind="transition",
        summary=f"{previous.value} → {target.value}",
        action=f"case.{target.value}",
        audit={"from_status": previous.value},
        from_status=previous.value,
        to_status=target.value,
        **detail,
    )


async def assign_case(
    *, session: AsyncSession, case: Case, handler_id: str, handler_name: str, actor: Principal
) -> None:
    """Give the case to a case worker (承办人)."""
    if case.status in (Status.declined, Status.archived):
        raise Problem(409, f"A {case.status} case cannot be assigned.")
    previous = case.handler_name
    case.handler_id, case.handler_name, case.assigned_at = handler_id, handler_name, utcnow()
    _touch(case)
    note_change(
        session,
        case=case,
        actor=actor,
        kind="assigned",
        summary=f"承办人: {handler_name}",
        action="case.assign",
        audit={"handler_id": handler_id},
        handler_id=handler_id,
        previous=previous,
    )


async def reassess_risk(*, session: AsyncSession, case: Case, answers: RiskAnswers, actor: Principal) -> RiskAssessment:
    """A new questionnaire on demand; the level (and urgent flag) follows it."""
    before = case.risk_level
    assessment = record_assessment(session, case=case, answers=answers, actor=actor)
    _touch(case)
    note_change(
        session,
        case=case,
        actor=actor,
        kind="risk_assessed",
        summary=f"风险评估: {before} → {assessment.level}",
        action="case.risk",
        audit={"level": assessment.level},
        score=assessment.score,
        level=assessment.level,
    )
    await session.flush()
    return assessment


async def decide_duplicate(
    *, session: AsyncSession, case: Case, other_id: uuid.UUID, status: str, actor: Principal
) -> None:
    """A person's judgement on a possible duplicate (both directions); the cases stay separate records.

    `case` is one the actor may see (the caller looked it up); the other must be visible too. That is checked in
    the same statement as the update, not by loading the other case first: a case she may not see and an id that
    exists nowhere get the same 404 after the same work, so neither the answer nor its timing says which it was.
    """
    other_visible = exists(select(col(Case.id)).where(col(Case.id) == other_id, case_filter(actor)))
    result = await session.execute(
        update(CaseLink)
        .where(
            or_(
                and_(col(CaseLink.case_id) == case.id, col(CaseLink.other_case_id) == other_id),
                and_(col(CaseLink.case_id) == other_id, col(CaseLink.other_case_id) == case.id),
            ),
            other_visible,
        )
        .values(status=status)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise Problem(404, "These cases are not linked.")
    note_change(
        session,
        case=case,
        actor=actor,
        kind="duplicate_decided",
        summary=f"重复判断: {status}",
        action="case.duplicate",
        other_case_id=str(other_id),
        status=status,
    )

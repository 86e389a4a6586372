"""The case timeline: every change and every action leaves an event."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.models import Case, CaseEvent
from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.rows import new_row


def event_row(
    *,
    case_id: uuid.UUID,
    actor: Principal,
    kind: str,
    summary: str = "",
    from_status: str | None = None,
    to_status: str | None = None,
    **detail: Any,
) -> dict[str, Any]:
    """The columns of one timeline event."""
    return new_row(
        CaseEvent,
        case_id=case_id,
        actor_id=actor.id,
        actor_name=actor.name,
        kind=kind,
        summary=summary,
        from_status=from_status,
        to_status=to_status,
        detail=detail,
    )


def add_event(session: AsyncSession, *, case_id: uuid.UUID, actor: Principal, kind: str, **given: Any) -> CaseEvent:
    """Append an event to the case's timeline in the current transaction (arguments as `event_row`)."""
    event = CaseEvent(**event_row(case_id=case_id, actor=actor, kind=kind, **given))
    session.add(event)
    return event


async def events_of(*, session: AsyncSession, case_id: uuid.UUID) -> list[CaseEvent]:
    """The timeline, oldest first."""
    rows = await session.execute(
        select(CaseEvent).where(col(CaseEvent.case_id) == case_id).order_by(col(CaseEvent.at), col(CaseEvent.id))
    )
    return list(rows.scalars().all())


def note_change(
    session: AsyncSession,
    *,
    case: Case,
    actor: Principal,
    kind: str,
    summary: str,
    action: str,
    entity_type: str = "case",
    entity_id: Any = None,
    audit: dict[str, Any] | None = None,
    **detail: Any,
) -> None:
    """One change, written twice: to the case's timeline (for people) and to the audit log (for auditors)."""
    add_event(session, case_id=case.id, actor=actor, kind=kind, summary=summary, **detail)
    record(
        session,
        AuditEntry,
        actor=actor,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id if entity_id is not None else case.id,
        org_path=case.org_path,
        **(audit if audit is not None else detail),
    )

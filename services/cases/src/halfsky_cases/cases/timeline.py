"""The case timeline: every change and every action leaves an event.

Events about duplicate links name the other case. They are stored as they happened and filtered when read, by the
reader's region: a supervisor above both districts sees the cross-district match, a district worker nothing of it.
"""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.duplicates import links_of
from halfsky_cases.cases.models import Case, CaseEvent
from halfsky_cases.cases.schemas import EventPublic
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


async def timeline_for(*, session: AsyncSession, case_id: uuid.UUID, principal: Principal) -> list[EventPublic]:
    """The timeline as this reader may see it: what names a linked case she may not see is left out.

    Always the same two queries (the events, and the links to cases she may see), so a case with a match she may
    not see reads like one with no match.
    """
    events = await events_of(session=session, case_id=case_id)
    links = await links_of(session=session, case_id=case_id, principal=principal)
    visible = {other.id: other.number for _, other in links}
    shown = (_as_seen(e, visible) for e in events)
    return [e for e in shown if e is not None]


def _as_seen(event: CaseEvent, visible: dict[uuid.UUID, str]) -> EventPublic | None:
    """The event for a reader who may see these linked cases (id → number); None when it is only about others."""
    public = EventPublic.model_validate(event, from_attributes=True)
    if event.kind == "duplicates_linked":
        # `cases` lists every case matched at intake; the summary named them all, so it is rebuilt from hers.
        cases = [c for c in event.detail.get("cases", []) if uuid.UUID(str(c)) in visible]
        if not cases:
            return None
        summary = "可能重复: " + ", ".join(visible[uuid.UUID(str(c))] for c in cases)
        return public.model_copy(update={"summary": summary, "detail": {**event.detail, "cases": cases}})
    if event.kind == "duplicate_decided":
        other = event.detail.get("other_case_id")
        return public if other is not None and uuid.UUID(str(other)) in visible else None
    return public


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

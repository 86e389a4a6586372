"""Recording actions; each one also lands on the case's timeline."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.actions.models import CaseAction
from halfsky_cases.actions.schemas import ActionIn
from halfsky_cases.cases.enums import Status
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.timeline import note_change
from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import illegal_transition

CLOSED = (Status.archived.value, Status.declined.value)


def ensure_workable(case: Case) -> None:
    """Archived and declined cases take no new work until reopened."""
    if case.status in CLOSED:
        raise illegal_transition(
            f"The case is {case.status}; reopen it first.",
            current=case.status,
            allowed_from=[s.value for s in Status if s.value not in CLOSED],
        )


async def add_action(*, session: AsyncSession, case: Case, data: ActionIn, actor: Principal) -> CaseAction:
    ensure_workable(case)
    action = CaseAction(
        case_id=case.id,
        kind=data.kind.value,
        occurred_at=data.occurred_at or utcnow(),
        actor_id=actor.id,
        actor_name=actor.name,
        summary=data.summary,
        parties=data.parties,
        result=data.result.value if data.result else None,
        detail=data.detail,
    )
    session.add(action)
    await session.flush()
    note_change(
        session,
        case=case,
        actor=actor,
        kind="action",
        summary=f"{data.kind.value}: {data.summary[:80]}",
        action="case.action",
        audit={"action_kind": data.kind.value},
        action_id=str(action.id),
        action_kind=data.kind.value,
        result=action.result,
    )
    return action


async def actions_of(*, session: AsyncSession, case: Case) -> list[CaseAction]:
    rows = await session.execute(
        select(CaseAction).where(col(CaseAction.case_id) == case.id).order_by(col(CaseAction.occurred_at))
    )
    return list(rows.scalars().all())

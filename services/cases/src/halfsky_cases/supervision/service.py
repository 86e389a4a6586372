"""Ordering, answering and closing supervision; overdue when open past its due date (Shanghai)."""

import uuid
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.cases.models import Case
from halfsky_cases.cases.timeline import note_change
from halfsky_cases.supervision.models import Supervision
from halfsky_cases.supervision.schemas import SupervisionPublic
from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.clock import today
from halfsky_common.problems import Problem, field_error


def is_overdue(item: Supervision, on: date) -> bool:
    return item.status == "open" and item.due_on < on


async def order(*, session: AsyncSession, case: Case, instruction: str, due_on: date, actor: Principal) -> Supervision:
    """督办 by a unit above the one handling the case."""
    if actor.org_path == case.org_path or not case.org_path.startswith(actor.org_path):
        raise Problem(403, "Only a unit above the handling unit supervises a case.")
    if due_on < today():
        raise Problem(422, "The due date has passed.", errors=[field_error("due_on", "in the past")])
    item = Supervision(
        case_id=case.id,
        supervisor_org_path=actor.org_path,
        instruction=instruction,
        due_on=due_on,
        created_by_id=actor.id,
        created_by_name=actor.name,
    )
    session.add(item)
    await session.flush()
    note_change(
        session,
        case=case,
        actor=actor,
        kind="supervision_ordered",
        summary=f"督办, 期限 {due_on}",
        action="case.supervise",
        audit={"due_on": due_on.isoformat()},
        supervision_id=str(item.id),
        due_on=due_on.isoformat(),
    )
    return item


async def answer(*, session: AsyncSession, item: Supervision, case: Case, reply: str, actor: Principal) -> None:
    """The handling unit reports back."""
    if item.status != "open":
        raise Problem(409, f"This supervision is {item.status}.")
    item.status, item.reply, item.replied_by_name, item.replied_at = "replied", reply, actor.name, utcnow()
    item.version += 1
    note_change(
        session,
        case=case,
        actor=actor,
        kind="supervision_replied",
        summary=f"督办回复: {reply[:80]}",
        action="case.supervise.reply",
        audit={},
        supervision_id=str(item.id),
    )


async def close(*, session: AsyncSession, item: Supervision, case: Case, actor: Principal) -> None:
    """The supervising unit closes it (谁交办谁督办)."""
    if not actor.sees(item.supervisor_org_path) or item.status == "closed":
        raise Problem(409 if item.status == "closed" else 403, "Only the supervising unit closes an open supervision.")
    item.status, item.closed_at = "closed", utcnow()
    item.version += 1
    note_change(
        session,
        case=case,
        actor=actor,
        kind="supervision_closed",
        summary="督办办结",
        action="case.supervise.close",
        audit={},
        supervision_id=str(item.id),
    )


async def get_item(
    *, session: AsyncSession, supervision_id: uuid.UUID, principal: Principal
) -> tuple[Supervision, Case]:
    row = (
        await session.execute(
            select(Supervision, Case)
            .join(Case, col(Case.id) == col(Supervision.case_id))
            .where(col(Supervision.id) == supervision_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).first()
    if row is None or not (principal.sees(row[1].org_path) or principal.sees(row[0].supervisor_org_path)):
        raise Problem(404, "No such supervision.")
    return row[0], row[1]


def to_public(item: Supervision, case: Case, on: date) -> SupervisionPublic:
    return SupervisionPublic(
        **item.model_dump(exclude={"created_by_id"}),
        case_number=case.number,
        case_org_path=case.org_path,
        overdue=is_overdue(item, on),
    )

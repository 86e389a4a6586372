"""Plans: who may edit one (its jurisdiction), create, change, look up."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.access import NATIONAL, ensure_may_change
from halfsky_indicators.base import row_dict
from halfsky_indicators.orgtree.service import resolve
from halfsky_indicators.plans.models import Plan
from halfsky_indicators.plans.schemas import PlanCreate, PlanPublic, PlanUpdate


def ensure_may_edit(user: Principal, org_path: str) -> None:
    """A plan (and its indicators) is owned by its jurisdiction: kept there or above; national ones at the top."""
    ensure_may_change(user, org_path, f"The catalogue of {org_path}")


def public(plan: Plan) -> PlanPublic:
    return PlanPublic.model_validate({**row_dict(plan), "period": f"{plan.start_year}-{plan.end_year}"})


async def get_by_code(session: AsyncSession, code: str, *, for_update: bool = False) -> Plan:
    """The plan, or 404."""
    stmt = select(Plan).where(col(Plan.code) == code)
    row = (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()
    if row is None:
        raise Problem(404, f"No plan {code}.")
    return row


async def get(session: AsyncSession, plan_id: uuid.UUID) -> Plan:
    plan = await session.get(Plan, plan_id)
    if plan is None:
        raise Problem(404, "No such plan.")
    return plan


async def create_plan(session: AsyncSession, *, user: Principal, body: PlanCreate) -> Plan:
    """Add a plan in a jurisdiction the caller may edit; 409 when the code is taken."""
    org_path = NATIONAL if body.org.strip() == NATIONAL else await resolve(session, body.org)
    ensure_may_edit(user, org_path)
    if (await session.execute(select(col(Plan.id)).where(col(Plan.code) == body.code))).first():
        raise Problem(409, f"A plan {body.code} exists.", errors=[field_error("code", "already used")])
    plan = Plan(**body.model_dump(exclude={"org"}), org_path=org_path)
    session.add(plan)
    await session.flush()
    return plan


def update_plan(*, plan: Plan, body: PlanUpdate) -> list[str]:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(plan, name, value)
    if plan.end_year < plan.start_year:
        raise Problem(422, "The plan ends before it starts.", errors=[field_error("end_year", "before start_year")])
    plan.version += 1
    plan.updated_at = utcnow()
    return list(changes)

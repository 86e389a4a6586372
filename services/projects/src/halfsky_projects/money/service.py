"""Budgets by source and item, expenditures refused beyond their line unless a leader overrides with a reason."""

import uuid
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error
from halfsky_projects.attachments.service import require
from halfsky_projects.base import AuditEntry
from halfsky_projects.beneficiaries.service import check_in_dates
from halfsky_projects.money.models import BudgetLine, Expenditure
from halfsky_projects.money.schemas import (
    Budget,
    BudgetLineCreate,
    BudgetLinePublic,
    BudgetLineUpdate,
    BudgetWarning,
    ExpenditureCreate,
    SourceTotal,
)
from halfsky_projects.projects.models import Project

NEAR_LIMIT = Decimal("0.9")


def rate(spent: int, budget: int) -> float | None:
    """Execution rate in percent, one decimal (None without a budget)."""
    if budget <= 0:
        return None
    return float((Decimal(spent) * 100 / Decimal(budget)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


async def spent_on_line(session: AsyncSession, *, line_id: uuid.UUID) -> int:
    """What has been charged to a budget line so far."""
    stmt = select(func.coalesce(func.sum(Expenditure.amount_fen), 0)).where(Expenditure.budget_line_id == line_id)
    return int((await session.execute(stmt)).scalar_one())


async def add_line(session: AsyncSession, *, actor: Principal, project: Project, data: BudgetLineCreate) -> BudgetLine:
    """Budget an item from a source; each source and item once per project."""
    duplicate = await session.execute(
        select(func.count()).where(
            BudgetLine.project_id == project.id, BudgetLine.source == data.source, BudgetLine.item == data.item
        )
    )
    if duplicate.scalar_one():
        raise Problem(409, "This source already budgets that item; change its amount instead.")
    line = BudgetLine(project_id=project.id, org_path=project.org_path, **data.model_dump())
    session.add(line)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="budget.create",
        entity_type="budget_line",
        entity_id=line.id,
        org_path=project.org_path,
        source=data.source,
        item=data.item,
        amount_fen=data.amount_fen,
    )
    return line


async def get_line(session: AsyncSession, *, project: Project, line_id: uuid.UUID, lock: bool = False) -> BudgetLine:
    """A budget line of this project, or 404."""
    line = await session.get(BudgetLine, line_id, with_for_update=lock)
    if line is None or line.project_id != project.id:
        raise Problem(404, "No such budget line.")
    return line


async def update_line(
    session: AsyncSession, *, actor: Principal, project: Project, line: BudgetLine, data: BudgetLineUpdate
) -> BudgetLine:
    """Change a line's amount (never below what it has paid) or note."""
    before = line.amount_fen
    if data.amount_fen is not None:
        spent = await spent_on_line(session, line_id=line.id)
        if data.amount_fen < spent:
            raise Problem(
                422,
                f"{spent} fen have already been spent on this line.",
                errors=[field_error("amount_fen", "below what was spent")],
            )
        line.amount_fen = data.amount_fen
    if data.note is not None:
        line.note = data.note
    line.version += 1
    record(
        session,
        AuditEntry,
        actor=actor,
        action="budget.update",
        entity_type="budget_line",
        entity_id=line.id,
        org_path=project.org_path,
        before_fen=before,
        after_fen=line.amount_fen,
    )
    return line


async def spend(session: AsyncSession, *, actor: Principal, project: Project, data: ExpenditureCreate) -> Expenditure:
    """Charge a payment to its line; beyond the line it needs a leader's override with a reason."""
    line = await get_line(session, project=project, line_id=data.budget_line_id, lock=True)
    check_in_dates(project, data.spent_on, "spent_on")
    await require(session, project=project, attachment_id=data.voucher_id, field="voucher_id")
    spent = await spent_on_line(session, line_id=line.id)
    over = spent + data.amount_fen > line.amount_fen
    reason = data.override_reason.strip()
    if reason and not over:
        raise Problem(
            422,
            "There is room on the line; no override is needed.",
            errors=[field_error("override_reason", "not needed")],
        )
    if over:
        if not reason:
            raise Problem(
                409,
                f"This payment would take {line.item} ({line.source}) over its budget: "
                f"{line.amount_fen} fen budgeted, {spent} spent, {line.amount_fen - spent} left.",
                budget_fen=line.amount_fen,
                spent_fen=spent,
                remaining_fen=line.amount_fen - spent,
                needs="a leader's override with override_reason",
            )
        if not actor.has_role("leader", "admin"):
            raise Problem(
                403,
                "Only a leader may override a budget line.",
                errors=[field_error("override_reason", "leaders only")],
            )
    expense = Expenditure(
        project_id=project.id,
        org_path=project.org_path,
        created_by=actor.id,
        over_budget=over,
        overridden_by=(actor.name or actor.id) if over else "",
        **data.model_dump(exclude={"override_reason"}),
        override_reason=reason,
    )
    session.add(expense)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="expenditure.override" if over else "expenditure.create",
        entity_type="expenditure",
        entity_id=expense.id,
        org_path=project.org_path,
        budget_line_id=str(line.id),
        amount_fen=data.amount_fen,
        over_budget=over,
        reason=reason,
    )
    return expense


async def expenditures(session: AsyncSession, *, project: Project, line_id: uuid.UUID | None) -> list[Expenditure]:
    """A project's expenditures by date."""
    stmt = select(Expenditure).where(Expenditure.project_id == project.id)
    if line_id:
        stmt = stmt.where(Expenditure.budget_line_id == line_id)
    return list(
        (await session.execute(stmt.order_by(col(Expenditure.spent_on), col(Expenditure.created_at)))).scalars()
    )


async def budget(session: AsyncSession, *, project: Project) -> Budget:
    """Lines with spending, execution rates by line, source and in all, and warnings about full or overspent lines."""
    lines = list(
        (
            await session.execute(
                select(BudgetLine)
                .where(BudgetLine.project_id == project.id)
                .order_by(col(BudgetLine.source), col(BudgetLine.item))
            )
        ).scalars()
    )
    spent_rows = await session.execute(
        select(Expenditure.budget_line_id, func.sum(Expenditure.amount_fen))
        .where(Expenditure.project_id == project.id)
        .group_by(col(Expenditure.budget_line_id))
    )
    spent = {line_id: int(total) for line_id, total in spent_rows}
    out, warnings = [], []
    per_source: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for line in lines:
        used = spent.get(line.id, 0)
        state = "over" if used > line.amount_fen else "near_limit" if used >= line.amount_fen * NEAR_LIMIT else "ok"
        out.append(
            BudgetLinePublic(
                id=line.id,
                source=line.source,
                item=line.item,
                amount_fen=line.amount_fen,
                spent_fen=used,
                remaining_fen=line.amount_fen - used,
                execution_rate_pct=rate(used, line.amount_fen),
                state=state,
                note=line.note,
                version=line.version,
            )
        )
        per_source[line.source][0] += line.amount_fen
        per_source[line.source][1] += used
        if state != "ok":
            warnings.append(
                BudgetWarning(
                    code="overspent" if state == "over" else "near_limit",
                    budget_line_id=line.id,
                    item=line.item,
                    source=line.source,
                    message=f"{line.item}: {used} of {line.amount_fen} fen spent ({rate(used, line.amount_fen)} %).",
                )
            )
    total_budget = sum(line.amount_fen for line in lines)
    total_spent = sum(spent.values())
    return Budget(
        lines=out,
        by_source=[
            SourceTotal(source=s, budget_fen=b, spent_fen=u, execution_rate_pct=rate(u, b))
            for s, (b, u) in sorted(per_source.items())
        ],
        budget_fen=total_budget,
        spent_fen=total_spent,
        execution_rate_pct=rate(total_spent, total_budget),
        warnings=warnings,
    )

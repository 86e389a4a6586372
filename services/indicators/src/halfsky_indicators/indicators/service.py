"""Indicators: checked definitions (expressions parse, elements exist, the kind's fields are there), and targets."""

import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.access import NATIONAL
from halfsky_indicators.base import row_dict
from halfsky_indicators.elements.service import by_codes
from halfsky_indicators.expressions import ExpressionError, parse_expression
from halfsky_indicators.indicators.models import DEFAULT_FACTOR, Indicator, Kind, Target
from halfsky_indicators.indicators.schemas import (
    IndicatorCreate,
    IndicatorPublic,
    IndicatorUpdate,
    TargetIn,
    TargetPublic,
    TargetUpdate,
)
from halfsky_indicators.orgtree.service import resolve
from halfsky_indicators.plans.models import Plan
from halfsky_indicators.plans.service import ensure_may_edit

# First path segments the service uses itself; an indicator code must not shadow them.
RESERVED = frozenset(
    {
        "analytics",
        "assessments",
        "completeness",
        "data-elements",
        "data-sets",
        "data-values",
        "early-warnings",
        "export",
        "forms",
        "import",
        "org-labels",
        "periods",
        "plans",
        "pulls",
        "reported-figures",
        "reports",
        "validation",
        "validation-rules",
    }
)


async def get_by_code(session: AsyncSession, code: str, *, for_update: bool = False) -> Indicator:
    """The indicator, or 404."""
    stmt = select(Indicator).where(col(Indicator.code) == code)
    row = (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()
    if row is None:
        raise Problem(404, f"No indicator {code}.")
    return row


async def targets_of(session: AsyncSession, indicator_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, list[Target]]:
    """Targets per indicator, by year and region."""
    out: dict[uuid.UUID, list[Target]] = {i: [] for i in indicator_ids}
    if indicator_ids:
        stmt = (
            select(Target)
            .where(col(Target.indicator_id).in_(indicator_ids))
            .order_by(col(Target.year), col(Target.org_path))
        )
        for t in (await session.execute(stmt)).scalars():
            out[t.indicator_id].append(t)
    return out


async def public_many(session: AsyncSession, rows: Sequence[Indicator]) -> list[IndicatorPublic]:
    plans = {p.id: p.code for p in (await session.execute(select(Plan))).scalars()} if rows else {}
    targets = await targets_of(session, [r.id for r in rows])
    return [
        IndicatorPublic.model_validate(
            {
                **row_dict(r),
                "plan": plans.get(r.plan_id, ""),
                "targets": [TargetPublic.model_validate(t, from_attributes=True) for t in targets[r.id]],
            }
        )
        for r in rows
    ]


async def check_definition(session: AsyncSession, values: dict[str, Any]) -> None:
    """422 naming each field that does not fit the indicator's kind, or an expression that does not parse."""
    kind = Kind(values["kind"])
    errors = []
    needs = {
        Kind.ratio: {"numerator", "denominator"},
        Kind.count: {"numerator"},
        Kind.qualitative: set(),
        Kind.checklist: set(),
    }[kind]
    refs: dict[str, set[str]] = {}
    for name in ("numerator", "denominator"):
        text = values.get(name)
        if name in needs and not text:
            errors.append(field_error(name, f"a {kind.value} indicator needs a {name}"))
        elif name not in needs and text:
            errors.append(field_error(name, f"a {kind.value} indicator has no {name}"))
        elif text:
            try:
                refs[name] = set(parse_expression(text).refs)
            except ExpressionError as exc:
                errors.append(field_error(name, str(exc)))
    known = await by_codes(session, set().union(*refs.values()) if refs else set())
    for name, codes in refs.items():
        for code in sorted(codes - set(known)):
            errors.append(field_error(name, f"no data element {code}"))
    if kind == Kind.checklist and not values.get("checklist"):
        errors.append(field_error("checklist", "a checklist indicator lists its items"))
    if kind != Kind.checklist and values.get("checklist"):
        errors.append(field_error("checklist", "only checklist indicators have items"))
    items = [i["code"] for i in values.get("checklist") or []]
    if len(items) != len(set(items)):
        errors.append(field_error("checklist", "two items share a code"))
    for i, item in enumerate(values.get("checklist") or []):
        if (item.get("threshold") is None) != (item.get("comparator") is None):
            errors.append(field_error(f"checklist.{i}", "a threshold comes with its comparator"))
    if (values.get("baseline_value") is None) != (values.get("baseline_year") is None):
        errors.append(field_error("baseline_year", "a baseline has both a value and a year"))
    if errors:
        raise Problem(422, "The indicator definition is not valid.", errors=errors)


def _factor(values: dict[str, Any]) -> Decimal:
    given = values.get("factor")
    return Decimal(given) if given is not None else DEFAULT_FACTOR.get(values["unit"], Decimal(1))


async def create_indicator(session: AsyncSession, *, user: Principal, body: IndicatorCreate, plan: Plan) -> Indicator:
    """Add an indicator (and its targets) to a plan the caller may edit."""
    ensure_may_edit(user, plan.org_path)
    if body.code.lower() in RESERVED:
        raise Problem(422, f"{body.code} is a reserved word.", errors=[field_error("code", "reserved")])
    if (await session.execute(select(col(Indicator.id)).where(col(Indicator.code) == body.code))).first():
        raise Problem(409, f"An indicator {body.code} exists.", errors=[field_error("code", "already used")])
    values = body.model_dump(exclude={"plan", "targets"})
    values["checklist"] = [item.model_dump(mode="json") for item in body.checklist]
    await check_definition(session, values)
    values["factor"] = _factor(values)
    indicator = Indicator(**values, plan_id=plan.id)
    session.add(indicator)
    await session.flush()
    for i, target in enumerate(body.targets):
        await add_target(session, user=user, indicator=indicator, plan=plan, body=target, field=f"targets.{i}")
    return indicator


async def update_indicator(session: AsyncSession, *, indicator: Indicator, body: IndicatorUpdate) -> list[str]:
    """Apply the given fields, then check the whole definition again."""
    changes = body.model_dump(exclude_unset=True)
    if body.checklist is not None:
        changes["checklist"] = [item.model_dump(mode="json") for item in body.checklist]
    merged = {**row_dict(indicator), **changes}
    await check_definition(session, merged)
    for name, value in changes.items():
        setattr(indicator, name, value)
    if "unit" in changes and "factor" not in changes:
        indicator.factor = DEFAULT_FACTOR.get(indicator.unit, indicator.factor)
    indicator.version += 1
    indicator.updated_at = utcnow()
    return list(changes)


async def target_org(session: AsyncSession, user: Principal, plan: Plan, org: str, field: str) -> str:
    """Where a target applies: everywhere needs the right to edit the plan, a region needs it inside yours."""
    if org.strip() == NATIONAL:
        ensure_may_edit(user, plan.org_path)
        return plan.org_path if plan.org_path != NATIONAL else NATIONAL
    path = await resolve(session, org, field)
    if not user.sees(path):
        raise Problem(403, f"{path} lies outside your region.", errors=[field_error(field, "outside your region")])
    return path


async def add_target(
    session: AsyncSession, *, user: Principal, indicator: Indicator, plan: Plan, body: TargetIn, field: str = "org"
) -> Target:
    """Set a target for a year (and region); 409 when that year and region have one."""
    org_path = await target_org(session, user, plan, body.org, f"{field}.org" if field != "org" else "org")
    clash = await session.execute(
        select(col(Target.id)).where(
            col(Target.indicator_id) == indicator.id, col(Target.year) == body.year, col(Target.org_path) == org_path
        )
    )
    if clash.first():
        raise Problem(
            409, f"{indicator.code} has a {body.year} target for {org_path}.", errors=[field_error(field, "exists")]
        )
    target = Target(
        indicator_id=indicator.id,
        year=body.year,
        org_path=org_path,
        value=body.value,
        note=body.note,
        owner_org_path=user.org_path,
    )
    session.add(target)
    await session.flush()
    return target


async def get_target(session: AsyncSession, indicator: Indicator, target_id: uuid.UUID) -> Target:
    target = await session.get(Target, target_id, with_for_update=True)
    if target is None or target.indicator_id != indicator.id:
        raise Problem(404, "No such target.")
    return target


def update_target(*, target: Target, body: TargetUpdate) -> list[str]:
    changes = body.model_dump(exclude_unset=True, exclude_none=True)
    for name, value in changes.items():
        setattr(target, name, value)
    target.version += 1
    target.updated_at = utcnow()
    return list(changes)


def target_in_force(targets: Sequence[Target], *, org_path: str, year: int) -> Target | None:
    """The target that applies to a region in a year.

    Among targets set for the region or any of its ancestors (`/` is everywhere), the one of the earliest year not
    before `year` (a plan's 2030 target applies in 2026 unless a 2026 one is set); at equal years the most
    specific region wins.
    """
    best: Target | None = None
    for t in targets:
        if t.year < year or not org_path.startswith(t.org_path):
            continue
        if best is None or (t.year, -len(t.org_path)) < (best.year, -len(best.org_path)):
            best = t
    return best

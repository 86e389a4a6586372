"""Validation rules: checked definitions, evaluation for one unit and period, on submit and as a regional report.

Rules skip what they cannot judge: an expression rule needs every element it names, a jump rule a previous value.
A jump from zero to anything else counts as a jump.
"""

import uuid
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.audit import utcnow
from halfsky_common.periods import Period, parse, previous
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.base import row_dict
from halfsky_indicators.datasets.models import DataSet
from halfsky_indicators.datasets.service import elements_of
from halfsky_indicators.datasets.service import get_by_code as data_set_by_code
from halfsky_indicators.elements.models import DataElement
from halfsky_indicators.elements.service import by_codes, element_codes
from halfsky_indicators.entry.models import DataSetReport, DataValue
from halfsky_indicators.entry.schemas import Violation
from halfsky_indicators.expressions import ExpressionError, Rule, compare, evaluate, parse_rule
from halfsky_indicators.validation.models import RuleKind, Severity, ValidationRule
from halfsky_indicators.validation.schemas import RuleCreate, RulePublic, RuleUpdate, ValidationReport

Values = Mapping[str, Decimal]


@dataclass(frozen=True)
class Compiled:
    """A rule ready to run: its parsed expression or its element, and every element code it reads."""

    rule: ValidationRule
    parsed: Rule | None
    element: str | None

    @property
    def refs(self) -> frozenset[str]:
        return self.parsed.refs if self.parsed else frozenset({self.element or ""})


async def _check(session: AsyncSession, values: dict[str, object]) -> tuple[uuid.UUID | None, uuid.UUID | None]:
    """422 naming what does not fit the rule's kind; the element's and data set's ids."""
    kind = RuleKind(str(values["kind"]))
    errors = []
    element_id = data_set_id = None
    if kind == RuleKind.expression:
        try:
            refs = parse_rule(str(values.get("expression") or "")).refs
            missing = sorted(refs - set(await by_codes(session, refs)))
            errors += [field_error("expression", f"no data element {m}") for m in missing]
        except ExpressionError as exc:
            errors.append(field_error("expression", str(exc)))
    else:
        code = values.get("element")
        element = (await by_codes(session, [str(code)])).get(str(code)) if code else None
        if element is None:
            errors.append(field_error("element", f"a {kind.value} rule names an existing element"))
        else:
            element_id = element.id
        if kind == RuleKind.range and values.get("min_value") is None and values.get("max_value") is None:
            errors.append(field_error("min_value", "a range has a minimum, a maximum or both"))
        if kind == RuleKind.jump and values.get("threshold_pct") is None:
            errors.append(field_error("threshold_pct", "a jump rule has a threshold"))
    if values.get("data_set"):
        data_set_id = (await data_set_by_code(session, str(values["data_set"]))).id
    if errors:
        raise Problem(422, "The rule is not valid.", errors=errors)
    return element_id, data_set_id


async def create_rule(session: AsyncSession, *, body: RuleCreate, owner: str) -> ValidationRule:
    """Add a rule owned by (and checking only) the level at `owner`; 409 when the code is taken."""
    if (await session.execute(select(col(ValidationRule.id)).where(col(ValidationRule.code) == body.code))).first():
        raise Problem(409, f"A rule {body.code} exists.", errors=[field_error("code", "already used")])
    element_id, data_set_id = await _check(session, body.model_dump())
    rule = ValidationRule(
        **body.model_dump(exclude={"element", "data_set"}),
        element_id=element_id,
        data_set_id=data_set_id,
        owner_org_path=owner,
    )
    session.add(rule)
    await session.flush()
    return rule


async def get_by_code(session: AsyncSession, code: str, *, for_update: bool = False) -> ValidationRule:
    stmt = select(ValidationRule).where(col(ValidationRule.code) == code)
    row = (await session.execute(stmt.with_for_update() if for_update else stmt)).scalar_one_or_none()
    if row is None:
        raise Problem(404, f"No validation rule {code}.")
    return row


async def public(session: AsyncSession, rules: Sequence[ValidationRule]) -> list[RulePublic]:
    codes = await element_codes(session, {r.element_id for r in rules if r.element_id})
    sets = {d.id: d.code for d in (await session.execute(select(DataSet))).scalars()} if rules else {}
    return [
        RulePublic.model_validate(
            {
                **row_dict(r),
                "element": codes.get(r.element_id) if r.element_id else None,
                "data_set": sets.get(r.data_set_id) if r.data_set_id else None,
            }
        )
        for r in rules
    ]


async def update_rule(session: AsyncSession, *, rule: ValidationRule, body: RuleUpdate) -> list[str]:
    changes = body.model_dump(exclude_unset=True)
    current = (await public(session, [rule]))[0].model_dump()
    await _check(session, {**current, **changes})
    for name, value in changes.items():
        setattr(rule, name, value)
    rule.version += 1
    rule.updated_at = utcnow()
    return list(changes)


async def load_rules(session: AsyncSession, *, data_set_id: uuid.UUID | None = None) -> list[Compiled]:
    """Rules for every submission, plus those of one data set."""
    scope: ColumnElement[bool] = col(ValidationRule.data_set_id).is_(None)
    if data_set_id:
        scope = or_(scope, col(ValidationRule.data_set_id) == data_set_id)
    rules = list((await session.execute(select(ValidationRule).where(scope).order_by(ValidationRule.code))).scalars())
    codes = await element_codes(session, {r.element_id for r in rules if r.element_id})
    return [
        Compiled(
            r,
            parse_rule(r.expression) if r.kind == RuleKind.expression and r.expression else None,
            codes.get(r.element_id) if r.element_id else None,
        )
        for r in rules
    ]


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def judge(c: Compiled, current: Values, prior: Values) -> str | None:
    """What is wrong, or None when the rule holds or cannot be judged."""
    r = c.rule
    if c.parsed:
        if not c.parsed.refs <= set(current):
            return None
        left, right = evaluate(c.parsed.left, current).value, evaluate(c.parsed.right, current).value
        if left is None or right is None or compare(left, c.parsed.op, right):
            return None
        return f"{c.parsed.text}: {_fmt(left)} {c.parsed.op} {_fmt(right)} does not hold"
    value = current.get(c.element or "")
    if value is None:
        return None
    if r.kind == RuleKind.range:
        if r.min_value is not None and value < r.min_value:
            return f"{c.element} = {_fmt(value)} is below the minimum {_fmt(r.min_value)}"
        if r.max_value is not None and value > r.max_value:
            return f"{c.element} = {_fmt(value)} is above the maximum {_fmt(r.max_value)}"
        return None
    before = prior.get(c.element or "")
    if before is None or r.threshold_pct is None or value == before:
        return None
    if before == 0:
        return f"{c.element} jumped from 0 to {_fmt(value)}"
    change = (value - before) / abs(before) * 100
    if abs(change) <= r.threshold_pct:
        return None
    return f"{c.element} changed {change:+.1f}% on the previous period ({_fmt(before)} → {_fmt(value)})"


def run(rules: Sequence[Compiled], current: Values, prior: Values, *, org_path: str, period: str) -> list[Violation]:
    """The violations of one unit's values in one period, by the rules of its own level and those above it."""
    out = []
    for c in rules:
        if not org_path.startswith(c.rule.owner_org_path):
            continue  # another county's rule, or a lower level's: not this unit's to meet
        message = judge(c, current, prior)
        if message:
            r = c.rule
            out.append(
                Violation(
                    rule=r.code,
                    name_zh=r.name_zh,
                    severity=r.severity,
                    message=message,
                    org_path=org_path,
                    period=period,
                )
            )
    return out


async def _unit_values(session: AsyncSession, *, org_path: str, period: str, codes: set[str]) -> dict[str, Decimal]:
    stmt = (
        select(col(DataElement.code), col(DataValue.value))
        .join(DataElement, col(DataElement.id) == DataValue.element_id)
        .where(col(DataValue.org_path) == org_path, col(DataValue.period) == period, col(DataElement.code).in_(codes))
    )
    return {code: value for code, value in (await session.execute(stmt)).all()}


async def check_submission(
    session: AsyncSession, *, data_set: DataSet, report: DataSetReport, comment: str
) -> list[Violation]:
    """Run the rules touching the form: errors block (422), warnings pass only with a comment; returns warnings."""
    form_codes = {e.code for e in await elements_of(session, data_set.id)}
    rules = [c for c in await load_rules(session, data_set_id=data_set.id) if c.refs & form_codes]
    codes = set().union(*(c.refs for c in rules)) if rules else set()
    current = await _unit_values(session, org_path=report.org_path, period=report.period, codes=codes)
    prior = await _unit_values(
        session, org_path=report.org_path, period=previous(parse(report.period)).code, codes=codes
    )
    found = run(rules, current, prior, org_path=report.org_path, period=report.period)
    errors = [v for v in found if v.severity == Severity.error]
    warnings = [v for v in found if v.severity == Severity.warning]
    if errors:
        raise Problem(
            422,
            "The values break validation rules; correct them before submitting.",
            errors=[field_error(f"rules.{v.rule}", v.message) for v in errors],
            violations=[v.model_dump() for v in found],
        )
    if warnings and not comment.strip():
        raise Problem(
            422,
            "Some values look unusual; explain them in a comment to submit.",
            errors=[field_error("comment", "; ".join(v.message for v in warnings))],
            violations=[v.model_dump() for v in warnings],
        )
    return warnings


async def report(
    session: AsyncSession, *, org_path: str, period: Period, data_set: DataSet | None, limit: int
) -> ValidationReport:
    """Every rule over every unit and reporting period with values inside `period`, in a subtree."""
    rules = await load_rules(session, data_set_id=data_set.id if data_set else None)
    if data_set:
        form_codes = {e.code for e in await elements_of(session, data_set.id)}
        rules = [c for c in rules if c.refs & form_codes]
    codes = set().union(*(c.refs for c in rules)) if rules else set()
    year_before = parse(f"{period.start.year - 1}")
    stmt = (
        select(col(DataValue.org_path), col(DataValue.period), col(DataElement.code), col(DataValue.value))
        .join(DataElement, col(DataElement.id) == DataValue.element_id)
        .where(
            col(DataValue.org_path).startswith(org_path),
            col(DataElement.code).in_(codes),
            col(DataValue.period_start) >= year_before.start,
            col(DataValue.period_end) <= period.last,
        )
    )
    groups: dict[tuple[str, str], dict[str, Decimal]] = defaultdict(dict)
    for org, code_period, code, value in (await session.execute(stmt)).all():
        groups[(org, code_period)][code] = value
    violations: list[Violation] = []
    checked = 0
    for (org, code_period), current in sorted(groups.items()):
        p = parse(code_period)
        if not period.contains(p):
            continue
        checked += 1
        violations += run(rules, current, groups.get((org, previous(p).code), {}), org_path=org, period=code_period)
    return ValidationReport(
        org_path=org_path,
        period=period.code,
        checked=checked,
        violations=violations[:limit],
        truncated=len(violations) > limit,
    )

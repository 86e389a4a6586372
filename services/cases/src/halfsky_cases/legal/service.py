"""Legal measures: one small state machine per kind, and the protection orders about to expire."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_cases.actions.service import ensure_workable
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.timeline import note_change
from halfsky_cases.legal.models import LegalMeasure
from halfsky_cases.legal.schemas import MeasureIn, MeasureKind, MeasureTransitionIn
from halfsky_common.audit import utcnow
from halfsky_common.auth import Principal
from halfsky_common.clock import today
from halfsky_common.problems import Problem, field_error, illegal_transition

INITIAL = {
    MeasureKind.warning_letter: "issued",
    MeasureKind.protection_order: "applied",
    MeasureKind.legal_aid: "applied",
}
TRANSITIONS: dict[MeasureKind, dict[str, frozenset[str]]] = {
    MeasureKind.warning_letter: {"issued": frozenset()},
    MeasureKind.protection_order: {
        "applied": frozenset({"granted", "refused"}),
        "granted": frozenset({"revoked"}),
        "refused": frozenset(),
        "revoked": frozenset(),
    },
    MeasureKind.legal_aid: {
        "applied": frozenset({"lawyer_assigned", "refused"}),
        "lawyer_assigned": frozenset({"concluded"}),
        "refused": frozenset(),
        "concluded": frozenset(),
    },
}
LABELS = {
    MeasureKind.warning_letter: "告诫书",
    MeasureKind.protection_order: "人身安全保护令",
    MeasureKind.legal_aid: "法律援助",
}


def _need(condition: bool, field: str, message: str, errors: list[dict[str, str]]) -> None:
    if not condition:
        errors.append(field_error(field, message))


async def add_measure(*, session: AsyncSession, case: Case, data: MeasureIn, actor: Principal) -> LegalMeasure:
    ensure_workable(case)
    errors: list[dict[str, str]] = []
    if data.kind == MeasureKind.warning_letter:
        _need(data.decided_on is not None, "decided_on", "the day the letter was issued", errors)
        _need(bool(data.authority), "authority", "the police station that issued it", errors)
    else:
        _need(data.applied_on is not None, "applied_on", "the day of application", errors)
    if errors:
        raise Problem(422, "Missing information for this measure.", errors=errors)
    measure = LegalMeasure(
        case_id=case.id,
        status=INITIAL[data.kind],
        created_by_name=actor.name,
        **data.model_dump(mode="python", exclude={"kind"}),
        kind=data.kind.value,
    )
    session.add(measure)
    await session.flush()
    note_change(
        session,
        case=case,
        actor=actor,
        kind="legal_measure",
        summary=f"{LABELS[data.kind]}: {measure.status}",
        action="legal_measure.create",
        entity_type="legal_measure",
        entity_id=measure.id,
        audit={"kind": data.kind.value},
        measure_id=str(measure.id),
        measure_kind=data.kind.value,
        status=measure.status,
    )
    return measure


def _apply(measure: LegalMeasure, data: MeasureTransitionIn) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    changes: dict[str, Any] = {}
    if data.to in ("granted", "refused"):
        _need(data.decided_on is not None, "decided_on", "the day of the decision", errors)
        changes["decided_on"] = data.decided_on
    if data.to == "granted" and measure.kind == MeasureKind.protection_order:
        _need(data.valid_until is not None, "valid_until", "a granted order has an end date", errors)
        if data.valid_until and data.decided_on and data.valid_until <= data.decided_on:
            errors.append(field_error("valid_until", "must be after decided_on"))
        changes["valid_until"] = data.valid_until
    if data.to == "lawyer_assigned":
        _need(bool(data.lawyer_name), "lawyer_name", "the assigned lawyer", errors)
        changes["lawyer_name"], changes["lawyer_firm"] = data.lawyer_name, data.lawyer_firm or ""
    if data.to == "concluded":
        _need(bool(data.notes.strip()), "notes", "the result of the legal aid", errors)
        changes["concluded_on"] = data.decided_on or today()
    if errors:
        raise Problem(422, "Missing information for this step.", errors=errors)
    if data.document_number:
        changes["document_number"] = data.document_number
    return changes


async def move_measure(
    *, session: AsyncSession, measure: LegalMeasure, case: Case, data: MeasureTransitionIn, actor: Principal
) -> None:
    kind = MeasureKind(measure.kind)
    allowed = TRANSITIONS[kind].get(measure.status, frozenset())
    if data.to not in allowed:
        raise illegal_transition(
            f"A {measure.status} {kind.value} cannot become {data.to}.",
            current=measure.status,
            allowed_from=[s for s, targets in TRANSITIONS[kind].items() if data.to in targets],
        )
    for name, value in _apply(measure, data).items():
        setattr(measure, name, value)
    if data.notes:
        measure.notes = (measure.notes + "\n" + data.notes).strip()
    measure.status = data.to
    measure.version += 1
    measure.updated_at = utcnow()
    note_change(
        session,
        case=case,
        actor=actor,
        kind="legal_measure",
        summary=f"{LABELS[kind]}: {data.to}",
        action=f"legal_measure.{data.to}",
        entity_type="legal_measure",
        entity_id=measure.id,
        audit={},
        measure_id=str(measure.id),
        measure_kind=kind.value,
        status=data.to,
    )

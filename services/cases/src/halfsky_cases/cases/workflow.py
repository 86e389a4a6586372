"""The case state machine: the table of allowed transitions and what each one needs and stamps."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from halfsky_cases.cases.enums import ResolutionType, Status
from halfsky_cases.cases.models import Case
from halfsky_common.problems import Problem, field_error, illegal_transition

REOPENABLE = (Status.resolved, Status.followed_up, Status.archived)

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.received: frozenset({Status.accepted, Status.declined}),
    Status.accepted: frozenset({Status.in_progress}),
    Status.declined: frozenset({Status.archived}),
    Status.in_progress: frozenset({Status.resolved}),
    Status.resolved: frozenset({Status.followed_up, Status.in_progress}),
    Status.followed_up: frozenset({Status.archived, Status.in_progress}),
    Status.archived: frozenset({Status.in_progress}),
}


@dataclass(frozen=True)
class TransitionInput:
    """What a person gives with a transition; which fields are required depends on the target."""

    reason: str = ""
    outcome: str = ""
    resolution_type: ResolutionType | None = None
    satisfaction: int | None = None
    notes: str = ""


def is_reopen(current: Status, target: Status) -> bool:
    return target == Status.in_progress and current in REOPENABLE


def _required(given: TransitionInput, current: Status, target: Status) -> list[dict[str, str]]:
    errors = []
    if (target == Status.declined or is_reopen(current, target)) and not given.reason.strip():
        errors.append(field_error("reason", "a reason is required"))
    if target == Status.resolved:
        if not given.outcome.strip():
            errors.append(field_error("outcome", "the outcome is required"))
        if given.resolution_type is None:
            errors.append(field_error("resolution_type", "the resolution type is required"))
    if target == Status.followed_up:
        if given.satisfaction is None or not 1 <= given.satisfaction <= 5:
            errors.append(field_error("satisfaction", "a satisfaction score from 1 to 5 is required"))
        if not given.notes.strip():
            errors.append(field_error("notes", "follow-up notes are required"))
    return errors


def apply_transition(case: Case, target: Status, given: TransitionInput, *, now: datetime, resolve_days: int) -> Status:
    """Move `case` to `target` (409 when the table forbids it, 422 when a required field is missing)."""
    current = Status(case.status)
    if target not in TRANSITIONS[current]:
        raise illegal_transition(
            f"A case that is {current.value} cannot become {target.value}.",
            current=current.value,
            allowed_from=[s.value for s, targets in TRANSITIONS.items() if target in targets],
        )
    errors = _required(given, current, target)
    if errors:
        raise Problem(422, "Missing information for this step.", errors=errors)
    if is_reopen(current, target):
        case.reopened_at = now
        case.reopen_reason = given.reason.strip()
        case.reopen_count += 1
        case.resolve_due_at = now + timedelta(days=resolve_days)
    elif target == Status.accepted:
        case.accepted_at = now
        case.resolve_due_at = now + timedelta(days=resolve_days)
    elif target == Status.declined:
        case.declined_at = now
        case.decline_reason = given.reason.strip()
    elif target == Status.in_progress:
        case.started_at = now
    elif target == Status.resolved:
        case.resolved_at = now
        case.outcome = given.outcome.strip()
        case.resolution_type = given.resolution_type.value if given.resolution_type else None
    elif target == Status.followed_up:
        case.followed_up_at = now
        case.satisfaction = given.satisfaction
        case.follow_up_notes = given.notes.strip()
    elif target == Status.archived:
        case.archived_at = now
    case.status = target.value
    return current

"""The report state machine: draft → submitted → approved by the next level up, or returned with a reason."""

from enum import StrEnum

from halfsky_common.problems import illegal_transition
from halfsky_indicators.entry.models import ReportStatus


class Action(StrEnum):
    submit = "submit"  # 上报
    approve = "approve"  # 审核通过
    return_ = "return"  # 退回 (needs a reason)
    reopen = "reopen"  # 撤销审核: an approved report goes back for correction (needs a reason)


TRANSITIONS: dict[Action, tuple[frozenset[ReportStatus], ReportStatus]] = {
    Action.submit: (frozenset({ReportStatus.draft, ReportStatus.returned}), ReportStatus.submitted),
    Action.approve: (frozenset({ReportStatus.submitted}), ReportStatus.approved),
    Action.return_: (frozenset({ReportStatus.submitted}), ReportStatus.returned),
    Action.reopen: (frozenset({ReportStatus.approved}), ReportStatus.returned),
}

EDITABLE = frozenset({ReportStatus.draft, ReportStatus.returned})
NEEDS_REASON = frozenset({Action.return_, Action.reopen})
BY_UPPER_LEVEL = frozenset({Action.approve, Action.return_, Action.reopen})


def next_status(current: ReportStatus, action: Action) -> ReportStatus:
    """The status after `action`, or 409 when the report is not in a state that allows it."""
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        raise illegal_transition(
            f"The action {action} is not allowed on a {current} report "
            f"(only on: {', '.join(sorted(str(s) for s in allowed))}).",
            current=current,
            allowed_from=allowed,
        )
    return target

"""The project lifecycle as a table: each action, the states it leaves from, where it goes, who may take it."""

from dataclasses import dataclass

from halfsky_projects.projects.models import ProjectStatus as S


@dataclass(frozen=True)
class Transition:
    """One allowed move: from any of `sources` to `target`, by a holder of one of `roles`."""

    sources: frozenset[S]
    target: S
    roles: frozenset[str]
    needs_reason: bool = False
    stamp: str = ""  # the per-status timestamp column it sets


def _t(sources: set[S], target: S, roles: set[str], *, reason: bool = False, stamp: str = "") -> Transition:
    return Transition(frozenset(sources), target, frozenset(roles), reason, stamp)


MANAGER = {"project_manager"}
LEADER = {"leader"}

TRANSITIONS: dict[str, Transition] = {
    "submit": _t({S.draft, S.returned}, S.submitted, MANAGER, stamp="submitted_at"),  # 申报
    "start_review": _t({S.submitted}, S.under_review, LEADER, stamp="review_started_at"),  # 论证
    "approve": _t({S.under_review}, S.approved, LEADER, stamp="approved_at"),  # 立项
    "reject": _t({S.under_review}, S.rejected, LEADER, reason=True, stamp="rejected_at"),
    "return": _t({S.submitted, S.under_review}, S.returned, LEADER, reason=True, stamp="returned_at"),
    "start": _t({S.approved}, S.in_progress, MANAGER, stamp="started_at"),  # 实施
    "suspend": _t({S.in_progress}, S.suspended, MANAGER | LEADER, reason=True, stamp="suspended_at"),
    "resume": _t({S.suspended}, S.in_progress, MANAGER | LEADER),
    "request_close": _t({S.in_progress}, S.closing, MANAGER, stamp="closing_at"),  # 结项申请
    "reopen": _t({S.closing}, S.in_progress, LEADER, reason=True),
    "close": _t({S.closing}, S.closed, LEADER, stamp="closed_at"),  # 结项
}

# Statuses in which the application itself (kind, category, lead unit, goals) may still be edited.
APPLICATION_EDITABLE = frozenset({S.draft, S.returned})
# Statuses in which nothing but reading is left.
FINISHED = frozenset({S.closed, S.rejected})


def allowed_actions(status: str, roles: frozenset[str]) -> list[str]:
    """The actions a holder of `roles` could take from `status` (before business checks)."""
    admin = "admin" in roles
    return [name for name, t in TRANSITIONS.items() if status in t.sources and (admin or bool(t.roles & roles))]

"""Who may do what with cases, and the default-deny region filter every case query goes through."""

from typing import Any

from sqlalchemy import ColumnElement, and_, false
from sqlmodel import col

from halfsky_cases.cases.models import Case
from halfsky_common.auth import Principal, require_roles, visible_to
from halfsky_common.problems import Problem

READ_ROLES = ("leader", "case_worker", "auditor", "hotline_operator")
FULL_READ_ROLES = ("admin", "leader", "case_worker", "auditor")
HANDLE_ROLES = ("leader", "case_worker")
INTAKE_ROLES = ("hotline_operator", "case_worker", "leader")
REVEAL_ROLES = ("admin", "leader", "case_worker")
STATS_ROLES = ("leader", "statistician", "auditor", "case_worker")

can_read = require_roles(*READ_ROLES)
can_handle = require_roles(*HANDLE_ROLES)


def case_filter(principal: Principal, model: Any = Case) -> ColumnElement[bool]:
    """Cases the principal may see: the region subtree; a hotline operator only what she took in; clients none."""
    if principal.kind != "user":
        return false()
    in_region = visible_to(principal, model.org_path)
    if principal.has_role(*FULL_READ_ROLES):
        return in_region
    if principal.has_role("hotline_operator"):
        return and_(in_region, col(model.operator_id) == principal.id)
    return false()


def ensure_case_visible(principal: Principal, case: Case) -> None:
    """404 for a case outside what the principal may see (no hint that it exists)."""
    if principal.kind != "user" or not principal.sees(case.org_path):
        raise Problem(404, "No such case.")
    if principal.has_role(*FULL_READ_ROLES):
        return
    if principal.has_role("hotline_operator") and case.operator_id == principal.id:
        return
    raise Problem(404, "No such case.")


def may_reveal(principal: Principal) -> bool:
    return principal.kind == "user" and principal.has_role(*REVEAL_ROLES)

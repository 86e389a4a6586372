"""Who may do what here: roles per kind of work, and the region rule (a unit's data only within your subtree)."""

from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.audit import record
from halfsky_common.auth import Principal, StaffUser, require_roles
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.base import AuditEntry

READ_DATA = ("leader", "statistician", "auditor")  # values, analytics, reports (admin always passes)
ENTER_DATA = ("statistician",)  # data entry, import, submit, pulls
EDIT_CATALOGUE = ("statistician",)  # elements, data sets, plans, indicators, targets, rules

Anyone = StaffUser  # the catalogue is for staff; clients read only the feeds their scopes grant
DataReader = Annotated[Principal, Depends(require_roles(*READ_DATA))]
DataEditor = Annotated[Principal, Depends(require_roles(*ENTER_DATA))]
CatalogueEditor = Annotated[Principal, Depends(require_roles(*EDIT_CATALOGUE))]


def ensure_in_region(user: Principal, org_path: str, *, field: str = "org") -> None:
    """403 naming the field when a unit lies outside the caller's subtree."""
    if not user.sees(org_path):
        raise Problem(
            403,
            f"{org_path} lies outside your region ({user.org_path}).",
            errors=[field_error(field, "outside your region")],
        )


def audit(
    session: AsyncSession,
    user: Principal,
    action: str,
    entity_type: str,
    entity_id: Any,
    org_path: str = "",
    **detail: Any,
) -> None:
    """Record a write in this service's audit log, inside the caller's transaction."""
    record(
        session,
        AuditEntry,
        actor=user,
        action=action,
        entity_type=entity_type,
        entity_id=entity_id,
        org_path=org_path,
        **detail,
    )

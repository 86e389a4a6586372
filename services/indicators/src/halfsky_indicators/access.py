"""Who may do what here: roles per kind of work, the region rule (a unit's data only within your subtree), and the
owner rule of the catalogue (a shared definition is changed only by the level that made it, or one above it)."""

from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common.audit import record
from halfsky_common.auth import Principal, StaffUser, require_roles
from halfsky_common.orgpaths import depth
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.base import AuditEntry

READ_DATA = ("leader", "statistician", "auditor")  # values, analytics, reports (admin always passes)
ENTER_DATA = ("statistician",)  # data entry, import, submit, pulls
EDIT_CATALOGUE = ("statistician",)  # elements, data sets, plans, indicators, targets, rules

NATIONAL = "/"  # the owner of the national catalogue: above every unit of the tree

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


def may_change(user: Principal, owner_org_path: str) -> bool:
    """Whether the user may change (or remove) a definition owned at this path.

    Shared definitions belong to the level that made them. That level and those above it (whose subtree holds the
    owner) change them, as they review that level's reports; lower levels, and neighbours, add their own instead.
    National ones are kept by the admins at the top of the tree (a root unit), who loaded them.
    """
    if owner_org_path == NATIONAL:
        return user.has_role("admin") and depth(user.org_path) <= 1
    return user.sees(owner_org_path)


def ensure_may_change(user: Principal, owner_org_path: str, what: str) -> None:
    """403 `definition_owned_elsewhere` unless the user may change what this level owns."""
    if not may_change(user, owner_org_path):
        owner = "the national catalogue" if owner_org_path == NATIONAL else owner_org_path
        raise Problem(
            403,
            f"{what} belongs to {owner} and is changed there or above, not from {user.org_path}; "
            "add a definition of your own instead.",
            code="definition_owned_elsewhere",
            owner_org_path=owner_org_path,
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

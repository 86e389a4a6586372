"""Who may do what: role sets as route dependencies, and the region check every project lookup applies."""

from typing import Annotated

from fastapi import Depends

from halfsky_common.auth import Principal, require_roles

STAFF_ROLES = ("leader", "project_manager", "statistician", "auditor", "case_worker", "hotline_operator")
FULL_VIEW_ROLES = frozenset({"admin", "leader", "project_manager"})

Reader = Annotated[Principal, Depends(require_roles(*STAFF_ROLES))]
Manager = Annotated[Principal, Depends(require_roles("project_manager"))]
Leader = Annotated[Principal, Depends(require_roles("leader"))]
ManagerOrLeader = Annotated[Principal, Depends(require_roles("project_manager", "leader"))]


def sees_identities(principal: Principal) -> bool:
    """Managers and leaders see beneficiaries' names in full; other readers see them masked."""
    return bool(principal.roles & FULL_VIEW_ROLES)

"""Every gateway table, imported in one place for Alembic."""

from halfsky_gateway.auth.models import RefreshToken
from halfsky_gateway.base import AuditEntry, Base, RateCounter
from halfsky_gateway.clients.models import PartnerClient
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.orgunits.propagation import OrgMoveOutbox
from halfsky_gateway.users.models import User

__all__ = ["AuditEntry", "Base", "OrgMoveOutbox", "OrgUnit", "PartnerClient", "RateCounter", "RefreshToken", "User"]

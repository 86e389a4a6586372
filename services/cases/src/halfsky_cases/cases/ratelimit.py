"""Intake per partner client is limited, counted in the service's database so every replica shares the count."""

from typing import Annotated

from fastapi import Depends, Request

from halfsky_cases.cases.access import INTAKE_ROLES
from halfsky_cases.config import Settings
from halfsky_common.auth import Principal, require_scope
from halfsky_common.ratelimit import hit, too_many

AnyIntake = Annotated[Principal, Depends(require_scope("cases:intake", *INTAKE_ROLES))]


async def limited_intake(request: Request, caller: AnyIntake) -> Principal:
    """Staff pass; a client's attempts (refused ones too: they run before the body is read) count per window."""
    if caller.kind != "client":
        return caller
    settings: Settings = request.app.state.settings
    wait = await hit(
        request.app.state.engine,
        "rate_counter",
        key=f"intake:{caller.id}",
        limit=settings.intake_limit_per_client,
        window_seconds=settings.intake_window_seconds,
    )
    if wait is not None:
        raise too_many(wait, "intake requests from this client")
    return caller


LimitedIntake = Annotated[Principal, Depends(limited_intake)]

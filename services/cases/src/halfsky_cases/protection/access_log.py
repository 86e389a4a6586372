"""Writing and reading the access log."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_cases.cases.models import Case
from halfsky_cases.protection.models import AccessLog
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error
from halfsky_common.requestid import request_id_var

REASON_REQUIRED = "reveal_reason_required"


def reveal_reason(reason: str, *, minimum: int) -> str:
    """The reason given for a reveal, trimmed; a 422 naming `reason` when it is shorter than `minimum` characters.

    Checked here, not only in the SPA: the access log is worth little if any client can leave its reason empty.
    Characters are code points, so 核实身份 counts four, like "call".
    """
    given = reason.strip()
    if len(given) < minimum:
        message = f"at least {minimum} characters: why the full values are needed"
        raise Problem(
            422,
            f"Say why you need the full ID numbers, phones and addresses (a reason of at least {minimum} characters).",
            code=REASON_REQUIRED,
            errors=[field_error("reason", message)],
        )
    return given


def log_access(
    session: AsyncSession,
    *,
    actor: Principal,
    case: Case | None,
    fields: list[str],
    org_path: str = "",
    reason: str = "",
    **detail: Any,
) -> AccessLog:
    """Record that `actor` saw these fields (of `case`, or of a person) in full; committed with the request."""
    entry = AccessLog(
        actor_id=actor.id,
        actor_name=actor.name,
        actor_roles=sorted(actor.roles),
        case_id=case.id if case else None,
        case_number=case.number if case else "",
        org_path=case.org_path if case else org_path,
        fields=fields,
        reason=reason,
        request_id=request_id_var.get(),
        detail=detail,
    )
    session.add(entry)
    return entry


def log_reveal(
    session: AsyncSession, *, actor: Principal, case: Case, revealed: dict[str, list[str]], reason: str
) -> AccessLog:
    """A reveal of the detail view: which person's which fields (`role:person_id` → field names)."""
    fields = sorted({f"{key.split(':', 1)[0]}.{name}" for key, names in revealed.items() for name in names})
    return log_access(session, actor=actor, case=case, fields=fields, reason=reason, persons=revealed)

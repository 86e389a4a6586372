"""Requesting and answering transfers; the case moves only when the receiving unit accepts."""

import uuid
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.enums import OPEN_STATUSES
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.timeline import add_event, note_change
from halfsky_cases.transfers.models import Transfer
from halfsky_cases.transfers.schemas import TransferPublic
from halfsky_common.audit import record, utcnow
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error, illegal_transition

AnySelect = TypeVar("AnySelect", bound=Select[*tuple[Any, ...]])

LABELS = {"transfer": "转办", "assign_down": "交办", "report_up": "上报"}


def kind_of(from_path: str, to_path: str) -> str:
    """Down the tree is 交办, up is 上报, anything else 转办."""
    if to_path.startswith(from_path):
        return "assign_down"
    if from_path.startswith(to_path):
        return "report_up"
    return "transfer"


async def request_transfer(
    *, session: AsyncSession, case: Case, to_org_path: str, reason: str, actor: Principal
) -> Transfer:
    """Ask another unit to take the case; one pending request at a time."""
    if case.status not in OPEN_STATUSES:
        raise illegal_transition(
            f"A {case.status} case cannot be transferred.", current=case.status, allowed_from=OPEN_STATUSES
        )
    if to_org_path == case.org_path:
        raise Problem(422, "The case is already there.", errors=[field_error("to_org_path", "same unit")])
    pending = await session.execute(
        select(col(Transfer.id)).where(col(Transfer.case_id) == case.id, col(Transfer.status) == "pending")
    )
    if pending.first() is not None:
        raise Problem(409, "A transfer of this case is already waiting for an answer.")
    transfer = Transfer(
        case_id=case.id,
        kind=kind_of(case.org_path, to_org_path),
        from_org_path=case.org_path,
        to_org_path=to_org_path,
        reason=reason,
        requested_by_id=actor.id,
        requested_by_name=actor.name,
    )
    session.add(transfer)
    await session.flush()
    note_change(
        session,
        case=case,
        actor=actor,
        kind="transfer_requested",
        summary=f"{LABELS[transfer.kind]} → {to_org_path}",
        action="case.transfer.request",
        audit={"to_org_path": to_org_path, "kind": transfer.kind},
        transfer_id=str(transfer.id),
        to_org_path=to_org_path,
    )
    return transfer


def may_answer(principal: Principal, transfer: Transfer) -> bool:
    """Only the receiving unit answers (an admin above it may too)."""
    if principal.org_path == transfer.to_org_path:
        return True
    return principal.has_role("admin") and principal.sees(transfer.to_org_path)


async def decide(
    *, session: AsyncSession, transfer: Transfer, case: Case, accept: bool, note: str, actor: Principal
) -> None:
    """Accept (the case moves to the receiving unit, unassigned) or reject with a note."""
    if transfer.status != "pending":
        raise Problem(409, f"This transfer was already {transfer.status}.")
    if not accept and not note.strip():
        raise Problem(422, "Say why the transfer is rejected.", errors=[field_error("note", "required")])
    now = utcnow()
    transfer.status = "accepted" if accept else "rejected"
    transfer.decided_by_id, transfer.decided_by_name, transfer.decided_at = actor.id, actor.name, now
    transfer.decision_note = note.strip()
    transfer.version += 1
    if accept:
        case.org_path = transfer.to_org_path
        case.handler_id, case.handler_name, case.assigned_at = None, "", None
        case.version += 1
        case.updated_at = now
    add_event(
        session,
        case_id=case.id,
        actor=actor,
        kind=f"transfer_{transfer.status}",
        summary=f"{LABELS[transfer.kind]} {transfer.status}: {transfer.to_org_path}",
        transfer_id=str(transfer.id),
    )
    record(
        session,
        AuditEntry,
        actor=actor,
        action=f"case.transfer.{transfer.status}",
        entity_type="case",
        entity_id=case.id,
        org_path=transfer.to_org_path,
        from_org_path=transfer.from_org_path,
    )


def with_case(stmt: AnySelect) -> AnySelect:
    return stmt.join(Case, col(Case.id) == col(Transfer.case_id))


async def get_transfer(*, session: AsyncSession, transfer_id: uuid.UUID, lock: bool = False) -> tuple[Transfer, Case]:
    stmt = with_case(select(Transfer, Case)).where(col(Transfer.id) == transfer_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    row = (await session.execute(stmt)).first()
    if row is None:
        raise Problem(404, "No such transfer.")
    return row[0], row[1]


def to_public(transfer: Transfer, case: Case) -> TransferPublic:
    return TransferPublic(
        **transfer.model_dump(exclude={"requested_by_id", "decided_by_id"}),
        case_number=case.number,
        case_summary=case.summary,
        case_category=case.primary_category,
        case_risk_level=case.risk_level,
    )

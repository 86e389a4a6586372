"""HTTP layer of people: one person with her cases, reveal (logged), edits with If-Match."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import exists, or_, select
from sqlmodel import col

from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.access import can_handle, can_read, case_filter, may_reveal
from halfsky_cases.cases.models import Case, CaseParty
from halfsky_cases.cases.service import refresh_search_text
from halfsky_cases.deps import AppSettings, Cipher
from halfsky_cases.parties.models import Person
from halfsky_cases.parties.schemas import PersonPublic, PersonUpdate
from halfsky_cases.parties.service import present_fields, to_public, update_person
from halfsky_cases.protection.access_log import log_access, reveal_reason
from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.problems import Problem

router = APIRouter(tags=["people"])


async def visible_person(session: Session, user: Principal, person_id: uuid.UUID, *, lock: bool = False) -> Person:
    """A person who appears in at least one case the caller may see (404 otherwise)."""
    in_case = (
        select(col(Case.id))
        .outerjoin(CaseParty, col(CaseParty.case_id) == col(Case.id))
        .where(case_filter(user), or_(col(Case.victim_id) == person_id, col(CaseParty.person_id) == person_id))
    )
    stmt = select(Person).where(col(Person.id) == person_id, exists(in_case))
    if lock:
        stmt = stmt.with_for_update(of=Person)  # type: ignore[arg-type]
    person = (await session.execute(stmt)).scalar_one_or_none()
    if person is None:
        raise Problem(404, "No such person.")
    return person


@router.get("/persons/{person_id}", response_model=PersonPublic, summary="A person; reveal=true shows full values")
async def get_person(
    person_id: uuid.UUID,
    response: Response,
    session: Session,
    cipher: Cipher,
    user: Annotated[Principal, Depends(can_read)],
    settings: AppSettings,
    reveal: bool = False,
    reason: Annotated[str, Query(max_length=200, description="Why (required with reveal=true; logged)")] = "",
) -> PersonPublic:
    if reveal and not may_reveal(user):
        raise Problem(403, "Your role may not see full ID numbers, phones or addresses.")
    if reveal:  # before the lookup: the answer is the same whether or not the person exists
        reason = reveal_reason(reason, minimum=settings.reveal_reason_min_chars)
    person = await visible_person(session, user, person_id)
    if reveal:
        log_access(
            session,
            actor=user,
            case=None,
            org_path=person.org_path,
            reason=reason,
            fields=[f"person.{f}" for f in present_fields(person)],
            person_id=str(person.id),
        )
        await session.commit()
    set_etag(response, person.version)
    return to_public(cipher=cipher, person=person, reveal=reveal)


@router.patch("/persons/{person_id}", response_model=PersonPublic, summary="Correct a person's details (If-Match)")
async def patch_person(
    person_id: uuid.UUID,
    body: PersonUpdate,
    request: Request,
    response: Response,
    session: Session,
    cipher: Cipher,
    user: Annotated[Principal, Depends(can_handle)],
) -> PersonPublic:
    person = await visible_person(session, user, person_id, lock=True)
    check_if_match(request, person.version)
    changed = update_person(cipher=cipher, person=person, data=body)
    if "name" in changed:
        await refresh_search_text(session=session, person_id=person.id)
    if changed:
        record(
            session,
            AuditEntry,
            actor=user,
            action="person.update",
            entity_type="person",
            entity_id=person.id,
            org_path=person.org_path,
            fields=changed,
        )
    await session.commit()
    set_etag(response, person.version)
    return to_public(cipher=cipher, person=person)

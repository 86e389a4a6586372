"""HTTP layer of beneficiaries and outcomes."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import JSONResponse

from halfsky_common.auth import Principal
from halfsky_common.clock import today
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.personal import mask_name
from halfsky_projects.access import Manager, Reader, sees_identities
from halfsky_projects.beneficiaries import service
from halfsky_projects.beneficiaries.models import Beneficiary, OutcomeKind
from halfsky_projects.beneficiaries.schemas import (
    BeneficiaryCreate,
    BeneficiaryDetail,
    BeneficiaryPublic,
    BeneficiaryUpdate,
    OutcomeCreate,
    OutcomePublic,
)
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.plans.progress import refresh_flag
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project

router = APIRouter(tags=["beneficiaries"])

DELIVERY = frozenset({S.in_progress})


def public(person: Beneficiary, user: Principal) -> BeneficiaryPublic:
    """The beneficiary as this reader may see her."""
    data = person.model_dump()
    if not sees_identities(user):
        data["name"] = mask_name(person.name)
    return BeneficiaryPublic.model_validate(data)


@router.post(
    "/{project_id}/beneficiaries",
    status_code=201,
    response_model=BeneficiaryPublic,
    summary="Register a beneficiary (Idempotency-Key)",
)
async def register(
    project_id: uuid.UUID, body: BeneficiaryCreate, request: Request, session: Session, user: Manager
) -> JSONResponse:
    async def create() -> BeneficiaryPublic:
        project = await editable_project(
            session, user=user, project_id=project_id, statuses=DELIVERY, what="Beneficiaries"
        )
        person = await service.register(
            session, actor=user, project=project, data=body, identity_key=request.app.state.settings.identity_key
        )
        await refresh_flag(session, project=project, as_of=today())
        return public(person, user)

    return await run_idempotent(request, session, user, create)


@router.get("/{project_id}/beneficiaries", response_model=Page[BeneficiaryPublic], summary="A project's beneficiaries")
async def list_beneficiaries(
    project_id: uuid.UUID,
    session: Session,
    user: Reader,
    target_group: str | None = None,
    outcome: OutcomeKind | None = None,
    q: Annotated[str | None, Query(max_length=50)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    total: bool = False,
) -> Page[BeneficiaryPublic]:
    project = await get_project(session, user=user, project_id=project_id)
    stmt = service.list_statement(
        project=project, target_group=target_group, outcome=outcome, q=q if sees_identities(user) else None
    )
    rows, next_cursor, has_more, count = await paginate(
        session,
        stmt,
        keys=[SortKey(Beneficiary.registered_on), SortKey(Beneficiary.id)],
        cursor=cursor,
        limit=limit,
        with_total=total,
    )
    return Page(items=[public(r, user) for r in rows], next_cursor=next_cursor, has_more=has_more, total=count)


@router.get(
    "/{project_id}/beneficiaries/{beneficiary_id}",
    response_model=BeneficiaryDetail,
    summary="A beneficiary and her outcomes",
)
async def get_beneficiary(
    project_id: uuid.UUID, beneficiary_id: uuid.UUID, session: Session, user: Reader, response: Response
) -> BeneficiaryDetail:
    project = await get_project(session, user=user, project_id=project_id)
    person = await service.get(session, project=project, beneficiary_id=beneficiary_id)
    outcomes = [
        OutcomePublic.model_validate(o, from_attributes=True) for o in await service.outcomes_of(session, person=person)
    ]
    set_etag(response, person.version)
    return BeneficiaryDetail(**public(person, user).model_dump(), outcomes=outcomes)


@router.patch(
    "/{project_id}/beneficiaries/{beneficiary_id}",
    response_model=BeneficiaryPublic,
    summary="Correct a beneficiary (If-Match)",
)
async def update_beneficiary(
    project_id: uuid.UUID,
    beneficiary_id: uuid.UUID,
    body: BeneficiaryUpdate,
    request: Request,
    response: Response,
    session: Session,
    user: Manager,
) -> BeneficiaryPublic:
    project = await editable_project(session, user=user, project_id=project_id, statuses=DELIVERY, what="Beneficiaries")
    person = await service.get(session, project=project, beneficiary_id=beneficiary_id, lock=True)
    check_if_match(request, person.version)
    await service.update(session, actor=user, project=project, person=person, data=body)
    await session.commit()
    set_etag(response, person.version)
    return public(person, user)


@router.post(
    "/{project_id}/beneficiaries/{beneficiary_id}/outcomes",
    status_code=201,
    response_model=OutcomePublic,
    summary="Record an outcome (trained, certified, employed, business started, loan, screened)",
)
async def add_outcome(
    project_id: uuid.UUID,
    beneficiary_id: uuid.UUID,
    body: OutcomeCreate,
    request: Request,
    session: Session,
    user: Manager,
) -> JSONResponse:
    async def create() -> OutcomePublic:
        project = await editable_project(session, user=user, project_id=project_id, statuses=DELIVERY, what="Outcomes")
        person = await service.get(session, project=project, beneficiary_id=beneficiary_id)
        outcome = await service.add_outcome(session, actor=user, project=project, person=person, data=body)
        await refresh_flag(session, project=project, as_of=today())
        return OutcomePublic.model_validate(outcome, from_attributes=True)

    return await run_idempotent(request, session, user, create)


@router.delete("/{project_id}/outcomes/{outcome_id}", status_code=204, summary="Withdraw a wrongly recorded outcome")
async def remove_outcome(project_id: uuid.UUID, outcome_id: uuid.UUID, session: Session, user: Manager) -> Response:
    project = await editable_project(session, user=user, project_id=project_id, statuses=DELIVERY, what="Outcomes")
    await service.remove_outcome(session, actor=user, project=project, outcome_id=outcome_id)
    await refresh_flag(session, project=project, as_of=today())
    await session.commit()
    return Response(status_code=204)

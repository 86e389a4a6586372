"""HTTP layer of evaluations and their criteria."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from halfsky_common.db import Session
from halfsky_common.problems import Problem
from halfsky_projects.access import Leader, ManagerOrLeader, Reader
from halfsky_projects.evaluations import service
from halfsky_projects.evaluations.models import EvaluationKind
from halfsky_projects.evaluations.schemas import CriteriaSetBody, CriteriaSetPublic, EvaluationCreate, EvaluationPublic
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project

router = APIRouter(tags=["evaluations"])

ANY_OPEN = frozenset(set(S) - {S.closed, S.rejected})


@router.put(
    "/evaluation-criteria/{kind}",
    response_model=CriteriaSetPublic,
    summary="Set the criteria the caller's unit scores this kind of evaluation on",
)
async def set_criteria(
    kind: EvaluationKind, body: CriteriaSetBody, session: Session, user: Leader
) -> CriteriaSetPublic:
    row = await service.set_criteria(session, actor=user, kind=kind, data=body)
    await session.commit()
    return CriteriaSetPublic.model_validate(row, from_attributes=True)


@router.get(
    "/evaluation-criteria/{kind}",
    response_model=CriteriaSetPublic,
    summary="The criteria in force for the caller's unit (set there or above)",
)
async def get_criteria(kind: EvaluationKind, session: Session, user: Reader) -> CriteriaSetPublic:
    row = await service.criteria_for(session, org_path=user.org_path, kind=kind)
    if row is None:
        raise Problem(404, "No criteria are configured for this kind at or above your unit.")
    return CriteriaSetPublic.model_validate(row, from_attributes=True)


@router.get("/{project_id}/evaluations", response_model=list[EvaluationPublic], summary="A project's evaluations")
async def list_evaluations(project_id: uuid.UUID, session: Session, user: Reader) -> list[EvaluationPublic]:
    project = await get_project(session, user=user, project_id=project_id)
    return [
        EvaluationPublic.model_validate(e, from_attributes=True)
        for e in await service.evaluations_of(session, project=project)
    ]


@router.post(
    "/{project_id}/evaluations",
    status_code=201,
    response_model=EvaluationPublic,
    summary="Record an evaluation with its report (Idempotency-Key)",
)
async def record_evaluation(
    project_id: uuid.UUID, body: EvaluationCreate, request: Request, session: Session, user: ManagerOrLeader
) -> JSONResponse:
    async def create() -> EvaluationPublic:
        project = await editable_project(
            session, user=user, project_id=project_id, statuses=ANY_OPEN, what="Evaluations"
        )
        evaluation = await service.record_evaluation(session, actor=user, project=project, data=body)
        return EvaluationPublic.model_validate(evaluation, from_attributes=True)

    return await run_idempotent(request, session, user, create)

"""HTTP layer of supervision visits and rectifications."""

import uuid
from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from halfsky_common.clock import today
from halfsky_common.concurrency import set_etag
from halfsky_common.db import Session
from halfsky_projects.access import Leader, Manager, Reader
from halfsky_projects.http import optional_if_match
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project
from halfsky_projects.supervision import service
from halfsky_projects.supervision.models import Rectification, RectificationStatus, SupervisionVisit
from halfsky_projects.supervision.schemas import Answer, RectificationPublic, Review, VisitCreate, VisitPublic

router = APIRouter(tags=["supervision"])

SUPERVISED = frozenset({S.approved, S.in_progress, S.suspended, S.closing})


def _rect(row: Rectification, day: date) -> RectificationPublic:
    overdue = row.status == RectificationStatus.open and row.due_on < day
    return RectificationPublic.model_validate({**row.model_dump(), "overdue": overdue})


def _visit(found: SupervisionVisit, rows: list[Rectification]) -> VisitPublic:
    day = today()
    return VisitPublic.model_validate({**found.model_dump(), "rectifications": [_rect(r, day) for r in rows]})


@router.post(
    "/{project_id}/supervision",
    status_code=201,
    response_model=VisitPublic,
    summary="Record a supervision visit by a higher unit (Idempotency-Key)",
)
async def add_visit(
    project_id: uuid.UUID, body: VisitCreate, request: Request, session: Session, user: Leader
) -> JSONResponse:
    async def create() -> VisitPublic:
        project = await editable_project(
            session, user=user, project_id=project_id, statuses=SUPERVISED, what="Supervision"
        )
        found = await service.visit(session, actor=user, project=project, data=body)
        rows = [r for v, rs in await service.visits_of(session, project=project) if v.id == found.id for r in rs]
        return _visit(found, rows)

    return await run_idempotent(request, session, user, create)


@router.get("/{project_id}/supervision", response_model=list[VisitPublic], summary="Visits and rectifications")
async def list_visits(project_id: uuid.UUID, session: Session, user: Reader) -> list[VisitPublic]:
    project = await get_project(session, user=user, project_id=project_id)
    return [_visit(v, rows) for v, rows in await service.visits_of(session, project=project)]


@router.post(
    "/{project_id}/rectifications/{rectification_id}/answer",
    response_model=RectificationPublic,
    summary="The project answers a required rectification",
)
async def answer(
    project_id: uuid.UUID,
    rectification_id: uuid.UUID,
    body: Answer,
    request: Request,
    response: Response,
    session: Session,
    user: Manager,
) -> RectificationPublic:
    project = await editable_project(
        session, user=user, project_id=project_id, statuses=SUPERVISED, what="Rectifications"
    )
    row, _ = await service.get_rectification(session, project=project, rectification_id=rectification_id)
    optional_if_match(request, row.version)
    await service.answer(session, actor=user, project=project, row=row, response=body.response)
    await session.commit()
    set_etag(response, row.version)
    return _rect(row, today())


@router.post(
    "/{project_id}/rectifications/{rectification_id}/review",
    response_model=RectificationPublic,
    summary="The supervising unit accepts the answer or sends it back",
)
async def review(
    project_id: uuid.UUID,
    rectification_id: uuid.UUID,
    body: Review,
    request: Request,
    response: Response,
    session: Session,
    user: Leader,
) -> RectificationPublic:
    project = await get_project(session, user=user, project_id=project_id, lock=True)
    row, found = await service.get_rectification(session, project=project, rectification_id=rectification_id)
    optional_if_match(request, row.version)
    await service.review(
        session, actor=user, project=project, row=row, found=found, accept=body.accept, comment=body.comment
    )
    await session.commit()
    set_etag(response, row.version)
    return _rect(row, today())

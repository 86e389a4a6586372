"""HTTP layer of the project record: list, export, create, read, edit, lifecycle, reviews, brand."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse

from halfsky_common.concurrency import check_if_match
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_projects.access import Leader, Manager, ManagerOrLeader, Reader
from halfsky_projects.http import optional_if_match, project_etag
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.projects import export, service
from halfsky_projects.projects.models import Project, ProjectCategory, ProjectKind, ProjectStatus
from halfsky_projects.projects.schemas import (
    BrandRequest,
    EventPublic,
    ProjectCreate,
    ProjectDetail,
    ProjectPublic,
    ProjectUpdate,
    ReviewCreate,
    ReviewPublic,
    TransitionRequest,
)
from halfsky_projects.projects.workflow import allowed_actions

router = APIRouter(tags=["projects"])


def _filters(
    status: ProjectStatus | None = None,
    kind: ProjectKind | None = None,
    category: ProjectCategory | None = None,
    org_path: str | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    behind_schedule: bool | None = None,
    is_brand: bool | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> service.ProjectFilters:
    return service.ProjectFilters(status, kind, category, org_path, year, behind_schedule, is_brand, q)


Filters = Annotated[service.ProjectFilters, Depends(_filters)]


def _detail(project: Project, user_roles: frozenset[str]) -> ProjectDetail:
    return ProjectDetail.model_validate(
        {**project.model_dump(), "allowed_actions": allowed_actions(project.status, user_roles)}
    )


@router.get("", response_model=Page[ProjectPublic], summary="Projects in the caller's region, newest first")
async def list_projects(
    session: Session,
    user: Reader,
    filters: Filters,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    total: bool = False,
) -> Page[ProjectPublic]:
    rows, next_cursor, has_more, count = await paginate(
        session,
        service.list_statement(user, filters),
        keys=[SortKey(Project.created_at, descending=True), SortKey(Project.id, descending=True)],
        cursor=cursor,
        limit=limit,
        with_total=total,
    )
    return Page(
        items=[ProjectPublic.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
        has_more=has_more,
        total=count,
    )


@router.get("/export", summary="The filtered project list as CSV or XLSX", response_class=Response)
async def export_projects(
    session: Session,
    user: Reader,
    filters: Filters,
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "csv",
) -> Response:
    rows = await export.rows(session, user=user, filters=filters)
    if format == "xlsx":
        return Response(
            export.to_xlsx(rows),
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": 'attachment; filename="projects.xlsx"'},
        )
    return StreamingResponse(
        export.to_csv(rows),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="projects.csv"'},
    )


@router.post("", status_code=201, response_model=ProjectDetail, summary="Register a draft project (Idempotency-Key)")
async def create_project(request: Request, session: Session, user: Manager, body: ProjectCreate) -> JSONResponse:
    async def create() -> ProjectDetail:
        return _detail(await service.create_project(session, actor=user, data=body), user.roles)

    return await run_idempotent(request, session, user, create)


@router.get("/{project_id}", response_model=ProjectDetail, summary="One project, with the actions open to the caller")
async def get_project(project_id: uuid.UUID, session: Session, user: Reader, response: Response) -> ProjectDetail:
    project = await service.get_project(session, user=user, project_id=project_id)
    project_etag(response, project)
    return _detail(project, user.roles)


@router.patch("/{project_id}", response_model=ProjectDetail, summary="Edit a project (If-Match required)")
async def update_project(
    project_id: uuid.UUID, body: ProjectUpdate, request: Request, response: Response, session: Session, user: Manager
) -> ProjectDetail:
    project = await service.get_project(session, user=user, project_id=project_id, lock=True)
    check_if_match(request, project.version)
    await service.update_project(session, actor=user, project=project, data=body)
    await session.commit()
    project_etag(response, project)
    return _detail(project, user.roles)


@router.post(
    "/{project_id}/actions/{action}",
    response_model=ProjectDetail,
    summary="Take a lifecycle action: submit, start_review, approve, reject, return, start, suspend, resume, "
    "request_close, reopen, close",
)
async def take_action(
    project_id: uuid.UUID,
    action: str,
    request: Request,
    response: Response,
    session: Session,
    user: ManagerOrLeader,
    body: TransitionRequest | None = None,
) -> ProjectDetail:
    project = await service.get_project(session, user=user, project_id=project_id, lock=True)
    optional_if_match(request, project.version)
    reason = body.reason if body else ""
    await service.transition(session, actor=user, project=project, action=action, reason=reason)
    await session.commit()
    project_etag(response, project)
    return _detail(project, user.roles)


@router.get("/{project_id}/events", response_model=list[EventPublic], summary="The project's recorded transitions")
async def list_events(project_id: uuid.UUID, session: Session, user: Reader) -> list[EventPublic]:
    project = await service.get_project(session, user=user, project_id=project_id)
    events = await service.timeline(session, project=project)
    return [EventPublic.model_validate(e, from_attributes=True) for e in events]


@router.get("/{project_id}/reviews", response_model=list[ReviewPublic], summary="Reviewers' opinions and scores")
async def list_reviews(project_id: uuid.UUID, session: Session, user: Reader) -> list[ReviewPublic]:
    project = await service.get_project(session, user=user, project_id=project_id)
    found = await service.reviews(session, project=project)
    return [ReviewPublic.model_validate(r, from_attributes=True) for r in found]


@router.post("/{project_id}/reviews", status_code=201, response_model=ReviewPublic, summary="Add a review (论证)")
async def add_review(
    project_id: uuid.UUID, body: ReviewCreate, request: Request, session: Session, user: ManagerOrLeader
) -> JSONResponse:
    async def create() -> ReviewPublic:
        project = await service.get_project(session, user=user, project_id=project_id, lock=True)
        review = await service.add_review(session, actor=user, project=project, data=body)
        return ReviewPublic.model_validate(review, from_attributes=True)

    return await run_idempotent(request, session, user, create)


@router.post("/{project_id}/brand", response_model=ProjectDetail, summary="Mark a closed project a brand (品牌项目)")
async def mark_brand(
    project_id: uuid.UUID, body: BrandRequest, request: Request, response: Response, session: Session, user: Leader
) -> ProjectDetail:
    project = await service.get_project(session, user=user, project_id=project_id, lock=True)
    optional_if_match(request, project.version)
    await service.mark_brand(
        session, actor=user, project=project, brand_name=body.brand_name, level=body.level, year=body.year
    )
    await session.commit()
    project_etag(response, project)
    return _detail(project, user.roles)

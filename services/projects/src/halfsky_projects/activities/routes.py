"""HTTP layer of activities and training attendance."""

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
from halfsky_projects.activities import service
from halfsky_projects.activities.models import Activity, ActivityKind, Attendance
from halfsky_projects.activities.schemas import (
    ActivityCreate,
    ActivityPublic,
    ActivityUpdate,
    AttendancePublic,
    AttendanceResult,
    AttendanceSheet,
)
from halfsky_projects.beneficiaries.models import Beneficiary
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.plans.progress import refresh_flag
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project

router = APIRouter(tags=["activities"])

DELIVERY = frozenset({S.in_progress})


def _sheet(rows: list[tuple[Attendance, Beneficiary]], user: Principal) -> list[AttendancePublic]:
    full = sees_identities(user)
    return [
        AttendancePublic(
            beneficiary_id=a.beneficiary_id, name=b.name if full else mask_name(b.name), present=a.present, note=a.note
        )
        for a, b in rows
    ]


@router.post(
    "/{project_id}/activities",
    status_code=201,
    response_model=ActivityPublic,
    summary="Record an activity (Idempotency-Key)",
)
async def hold_activity(
    project_id: uuid.UUID, body: ActivityCreate, request: Request, session: Session, user: Manager
) -> JSONResponse:
    async def create() -> ActivityPublic:
        project = await editable_project(
            session, user=user, project_id=project_id, statuses=DELIVERY, what="Activities"
        )
        activity = await service.hold(session, actor=user, project=project, data=body)
        await refresh_flag(session, project=project, as_of=today())
        return ActivityPublic.model_validate(activity, from_attributes=True)

    return await run_idempotent(request, session, user, create)


@router.get("/{project_id}/activities", response_model=Page[ActivityPublic], summary="A project's activities")
async def list_activities(
    project_id: uuid.UUID,
    session: Session,
    user: Reader,
    kind: ActivityKind | None = None,
    year: Annotated[int | None, Query(ge=2000, le=2100)] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ActivityPublic]:
    project = await get_project(session, user=user, project_id=project_id)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        service.list_statement(project=project, kind=kind, year=year),
        keys=[SortKey(Activity.held_on, descending=True), SortKey(Activity.id, descending=True)],
        cursor=cursor,
        limit=limit,
    )
    return Page(
        items=[ActivityPublic.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
        has_more=has_more,
    )


@router.get(
    "/{project_id}/activities/{activity_id}", response_model=AttendanceResult, summary="An activity with its attendance"
)
async def get_activity(
    project_id: uuid.UUID, activity_id: uuid.UUID, session: Session, user: Reader, response: Response
) -> AttendanceResult:
    project = await get_project(session, user=user, project_id=project_id)
    activity = await service.get(session, project=project, activity_id=activity_id)
    set_etag(response, activity.version)
    rows = await service.attendance_of(session, activity=activity)
    return AttendanceResult(
        activity=ActivityPublic.model_validate(activity, from_attributes=True), attendance=_sheet(rows, user)
    )


@router.patch(
    "/{project_id}/activities/{activity_id}", response_model=ActivityPublic, summary="Correct an activity (If-Match)"
)
async def update_activity(
    project_id: uuid.UUID,
    activity_id: uuid.UUID,
    body: ActivityUpdate,
    request: Request,
    response: Response,
    session: Session,
    user: Manager,
) -> ActivityPublic:
    project = await editable_project(session, user=user, project_id=project_id, statuses=DELIVERY, what="Activities")
    activity = await service.get(session, project=project, activity_id=activity_id, lock=True)
    check_if_match(request, activity.version)
    await service.update(session, actor=user, project=project, activity=activity, data=body)
    await refresh_flag(session, project=project, as_of=today())
    await session.commit()
    set_etag(response, activity.version)
    return ActivityPublic.model_validate(activity, from_attributes=True)


@router.put(
    "/{project_id}/activities/{activity_id}/attendance",
    response_model=AttendanceResult,
    summary="Keep a training's attendance (If-Match); those present count as trained",
)
async def keep_attendance(
    project_id: uuid.UUID,
    activity_id: uuid.UUID,
    body: AttendanceSheet,
    request: Request,
    response: Response,
    session: Session,
    user: Manager,
) -> AttendanceResult:
    project = await editable_project(session, user=user, project_id=project_id, statuses=DELIVERY, what="Attendance")
    activity = await service.get(session, project=project, activity_id=activity_id, lock=True)
    check_if_match(request, activity.version)
    rows = await service.keep_attendance(session, actor=user, project=project, activity=activity, sheet=body)
    await refresh_flag(session, project=project, as_of=today())
    await session.commit()
    set_etag(response, activity.version)
    return AttendanceResult(
        activity=ActivityPublic.model_validate(activity, from_attributes=True), attendance=_sheet(rows, user)
    )

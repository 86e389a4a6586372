"""HTTP layer of plans: targets, typed-in actuals, progress."""

import uuid
from datetime import date

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from halfsky_common.audit import record
from halfsky_common.clock import today
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_projects.access import Leader, Manager, Reader
from halfsky_projects.base import AuditEntry
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.measures import records_exist
from halfsky_projects.plans import progress, service
from halfsky_projects.plans.schemas import (
    Plan,
    Progress,
    ReportedActualCreate,
    ReportedActualPublic,
    TargetCreate,
    TargetPublic,
    TargetSaved,
    TargetUpdate,
)
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project

router = APIRouter(tags=["plans"])

PLANNING = frozenset({S.draft, S.returned, S.approved, S.in_progress})
REPORTING = frozenset({S.in_progress, S.closing})


@router.post("/progress/refresh", summary="Recompute behind-schedule flags in the caller's region (nightly job)")
async def refresh_flags(session: Session, user: Leader) -> dict[str, int]:
    checked, changed = await progress.refresh_region(session, user=user, as_of=today())
    record(
        session,
        AuditEntry,
        actor=user,
        action="progress.refresh",
        entity_type="project",
        entity_id="*",
        org_path=user.org_path,
        checked=checked,
        changed=changed,
    )
    await session.commit()
    return {"checked": checked, "changed": changed}


@router.get("/{project_id}/targets", response_model=Plan, summary="The plan: targets and the sum-check warnings")
async def get_plan(project_id: uuid.UUID, session: Session, user: Reader) -> Plan:
    project = await get_project(session, user=user, project_id=project_id)
    targets = await service.targets_of(session, project=project)
    return Plan(
        targets=[TargetPublic.model_validate(t, from_attributes=True) for t in targets],
        warnings=service.plan_warnings(targets),
    )


@router.post("/{project_id}/targets", status_code=201, response_model=TargetSaved, summary="Set a target")
async def add_target(
    project_id: uuid.UUID, body: TargetCreate, request: Request, session: Session, user: Manager
) -> JSONResponse:
    async def create() -> TargetSaved:
        project = await editable_project(session, user=user, project_id=project_id, statuses=PLANNING, what="Targets")
        target = await service.add_target(session, actor=user, project=project, data=body)
        await progress.refresh_flag(session, project=project, as_of=today())
        warnings = service.plan_warnings(await service.targets_of(session, project=project))
        return TargetSaved(target=TargetPublic.model_validate(target, from_attributes=True), warnings=warnings)

    return await run_idempotent(request, session, user, create)


@router.patch("/{project_id}/targets/{target_id}", response_model=TargetSaved, summary="Change a target (If-Match)")
async def update_target(
    project_id: uuid.UUID,
    target_id: uuid.UUID,
    body: TargetUpdate,
    request: Request,
    response: Response,
    session: Session,
    user: Manager,
) -> TargetSaved:
    project = await editable_project(session, user=user, project_id=project_id, statuses=PLANNING, what="Targets")
    target = await service.get_target(session, project=project, target_id=target_id)
    check_if_match(request, target.version)
    await service.update_target(session, actor=user, project=project, target=target, data=body)
    await progress.refresh_flag(session, project=project, as_of=today())
    warnings = service.plan_warnings(await service.targets_of(session, project=project))
    await session.commit()
    set_etag(response, target.version)
    return TargetSaved(target=TargetPublic.model_validate(target, from_attributes=True), warnings=warnings)


@router.delete("/{project_id}/targets/{target_id}", status_code=204, summary="Remove a target (If-Match)")
async def delete_target(
    project_id: uuid.UUID, target_id: uuid.UUID, request: Request, session: Session, user: Manager
) -> Response:
    project = await editable_project(session, user=user, project_id=project_id, statuses=PLANNING, what="Targets")
    target = await service.get_target(session, project=project, target_id=target_id)
    check_if_match(request, target.version)
    await service.delete_target(session, actor=user, project=project, target=target)
    await progress.refresh_flag(session, project=project, as_of=today())
    await session.commit()
    return Response(status_code=204)


@router.get("/{project_id}/actuals", response_model=list[ReportedActualPublic], summary="Typed-in actual figures")
async def list_actuals(project_id: uuid.UUID, session: Session, user: Reader) -> list[ReportedActualPublic]:
    project = await get_project(session, user=user, project_id=project_id)
    out = []
    for row in await service.reported_actuals(session, project=project):
        ignored = await records_exist(session, measure=row.measure, project_id=project.id)
        out.append(ReportedActualPublic.model_validate({**row.model_dump(), "ignored": ignored}))
    return out


@router.post(
    "/{project_id}/actuals",
    status_code=201,
    response_model=ReportedActualPublic,
    summary="Type in an actual figure for a measure without records",
)
async def report_actual(
    project_id: uuid.UUID, body: ReportedActualCreate, request: Request, session: Session, user: Manager
) -> JSONResponse:
    async def create() -> ReportedActualPublic:
        project = await editable_project(
            session, user=user, project_id=project_id, statuses=REPORTING, what="Actual figures"
        )
        row = await service.report_actual(session, actor=user, project=project, data=body)
        await progress.refresh_flag(session, project=project, as_of=today())
        ignored = await records_exist(session, measure=row.measure, project_id=project.id)
        return ReportedActualPublic.model_validate({**row.model_dump(), "ignored": ignored})

    return await run_idempotent(request, session, user, create)


@router.get("/{project_id}/progress", response_model=Progress, summary="Actual vs target, completion, flags")
async def get_progress(project_id: uuid.UUID, session: Session, user: Reader, as_of: date | None = None) -> Progress:
    project = await get_project(session, user=user, project_id=project_id)
    return await progress.compute(session, project=project, as_of=as_of or today())

"""HTTP layer of campaigns: phases and responsibility letters."""

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from halfsky_common.clock import today
from halfsky_common.db import Session
from halfsky_projects.access import Manager, Reader
from halfsky_projects.campaigns import service
from halfsky_projects.campaigns.models import CampaignPhase, PhaseKind
from halfsky_projects.campaigns.schemas import Campaign, LetterCreate, LetterPublic, PhasePublic, PhaseSet
from halfsky_projects.idempotency import run_idempotent
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project

router = APIRouter(tags=["campaigns"])

PLANNING = frozenset({S.draft, S.returned, S.approved, S.in_progress, S.suspended})


def _phase(row: CampaignPhase) -> PhasePublic:
    return PhasePublic(
        phase=row.phase,
        start_month=f"{row.start_month:%Y-%m}",
        end_month=f"{row.end_month:%Y-%m}",
        tasks=row.tasks,
        completed_on=row.completed_on,
        version=row.version,
    )


@router.get("/{project_id}/campaign", response_model=Campaign, summary="Phases, current phase, letters")
async def get_campaign(project_id: uuid.UUID, session: Session, user: Reader) -> Campaign:
    project = await get_project(session, user=user, project_id=project_id)
    service.require_campaign(project)
    phases = await service.phases_of(session, project=project)
    letters = await service.letters_of(session, project=project)
    return Campaign(
        phases=[_phase(p) for p in phases],
        letters=[LetterPublic.model_validate(x, from_attributes=True) for x in letters],
        current_phase=service.current_phase(phases, today()),
    )


@router.put("/{project_id}/campaign/phases/{phase}", response_model=PhasePublic, summary="Set a phase's months")
async def set_phase(
    project_id: uuid.UUID, phase: PhaseKind, body: PhaseSet, session: Session, user: Manager
) -> PhasePublic:
    project = await editable_project(session, user=user, project_id=project_id, statuses=PLANNING, what="Phases")
    row = await service.set_phase(session, actor=user, project=project, phase=phase, data=body)
    await session.commit()
    return _phase(row)


@router.post(
    "/{project_id}/campaign/letters",
    status_code=201,
    response_model=LetterPublic,
    summary="Record a responsibility letter (Idempotency-Key)",
)
async def add_letter(
    project_id: uuid.UUID, body: LetterCreate, request: Request, session: Session, user: Manager
) -> JSONResponse:
    async def create() -> LetterPublic:
        project = await editable_project(session, user=user, project_id=project_id, statuses=PLANNING, what="Letters")
        letter = await service.add_letter(session, actor=user, project=project, data=body)
        return LetterPublic.model_validate(letter, from_attributes=True)

    return await run_idempotent(request, session, user, create)

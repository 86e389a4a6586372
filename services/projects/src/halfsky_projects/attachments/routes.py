"""HTTP layer of attachments: upload the raw body, list, download."""

import uuid
from datetime import datetime
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel

from halfsky_common.db import Session
from halfsky_common.problems import Problem
from halfsky_projects.access import ManagerOrLeader, Reader
from halfsky_projects.attachments import service
from halfsky_projects.attachments.models import Attachment
from halfsky_projects.projects.models import ProjectStatus as S
from halfsky_projects.projects.service import editable_project, get_project

router = APIRouter(tags=["attachments"])

OPEN = frozenset(set(S) - {S.closed, S.rejected})


class AttachmentPublic(BaseModel):
    id: uuid.UUID
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    created_at: datetime


@router.post(
    "/{project_id}/attachments",
    status_code=201,
    response_model=AttachmentPublic,
    summary="Upload a file as the raw request body (Content-Type and ?filename= say what it is)",
)
async def upload(
    project_id: uuid.UUID,
    request: Request,
    session: Session,
    user: ManagerOrLeader,
    filename: Annotated[str, Query(min_length=1, max_length=255)],
) -> AttachmentPublic:
    length = int(request.headers.get("content-length") or 0)
    if length > service.MAX_BYTES:
        raise Problem(413, "The file is too large.")
    project = await editable_project(session, user=user, project_id=project_id, statuses=OPEN, what="Files")
    data = await request.body()
    attachment = await service.store(
        session,
        actor=user,
        project=project,
        filename=filename,
        content_type=request.headers.get("content-type", ""),
        data=data,
    )
    await session.commit()
    return AttachmentPublic.model_validate(attachment, from_attributes=True)


@router.get("/{project_id}/attachments", response_model=list[AttachmentPublic], summary="A project's files")
async def list_attachments(project_id: uuid.UUID, session: Session, user: Reader) -> list[AttachmentPublic]:
    project = await get_project(session, user=user, project_id=project_id)
    found = await service.list_for(session, project=project)
    return [AttachmentPublic.model_validate(a, from_attributes=True) for a in found]


@router.get("/{project_id}/attachments/{attachment_id}", summary="Download a file", response_class=Response)
async def download(project_id: uuid.UUID, attachment_id: uuid.UUID, session: Session, user: Reader) -> Response:
    project = await get_project(session, user=user, project_id=project_id)
    found = await session.get(Attachment, attachment_id)
    if found is None or found.project_id != project.id:
        raise Problem(404, "No such attachment.")
    return Response(
        await service.content(session, attachment=found),
        media_type=found.content_type,
        headers={"Content-Disposition": f"attachment; filename*=UTF-8''{quote(found.filename)}"},
    )

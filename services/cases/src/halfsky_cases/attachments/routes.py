"""HTTP layer of attachments: upload (multipart), list, download (audited and access-logged)."""

import uuid
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, Response, UploadFile
from pydantic import BaseModel
from sqlalchemy import select
from sqlmodel import col

from halfsky_cases.attachments import service
from halfsky_cases.attachments.models import Attachment
from halfsky_cases.attachments.storage import Storage
from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.access import REVEAL_ROLES, can_handle, can_read
from halfsky_cases.cases.service import get_case
from halfsky_cases.deps import AppSettings
from halfsky_cases.protection.access_log import log_access
from halfsky_common.audit import record
from halfsky_common.auth import Principal, require_roles
from halfsky_common.db import Session
from halfsky_common.problems import Problem

router = APIRouter(tags=["attachments"])


class AttachmentPublic(BaseModel):
    id: uuid.UUID
    case_id: uuid.UUID
    filename: str
    content_type: str
    size_bytes: int
    sha256: str
    description: str
    uploaded_by_name: str
    uploaded_at: object


def get_storage(request: Request) -> Storage:
    storage: Storage = request.app.state.storage
    return storage


Store = Annotated[Storage, Depends(get_storage)]


@router.post("/{case_id}/attachments", status_code=201, response_model=AttachmentPublic, summary="Upload evidence")
async def upload(
    case_id: uuid.UUID,
    session: Session,
    storage: Store,
    settings: AppSettings,
    user: Annotated[Principal, Depends(can_handle)],
    file: Annotated[UploadFile, File()],
    description: Annotated[str, Form(max_length=500, pattern=r"^[^\x00]*$")] = "",
) -> AttachmentPublic:
    case = await get_case(session=session, principal=user, case_id=case_id)
    data = await file.read(settings.attachment_max_bytes + 1)
    content_type = (file.content_type or "").split(";")[0].strip().lower()
    filename = file.filename or ""
    service.check_upload(
        data=data, content_type=content_type, filename=filename, max_bytes=settings.attachment_max_bytes
    )
    attachment = await service.store(
        session=session,
        storage=storage,
        case=case,
        data=data,
        content_type=content_type,
        filename=filename,
        description=description,
        actor=user,
    )
    await session.commit()
    return AttachmentPublic.model_validate(attachment, from_attributes=True)


@router.get("/{case_id}/attachments", response_model=list[AttachmentPublic], summary="Attachments of a case")
async def list_attachments(
    case_id: uuid.UUID, session: Session, user: Annotated[Principal, Depends(can_read)]
) -> list[AttachmentPublic]:
    case = await get_case(session=session, principal=user, case_id=case_id)
    rows = await session.execute(
        select(Attachment).where(col(Attachment.case_id) == case.id).order_by(col(Attachment.uploaded_at))
    )
    return [AttachmentPublic.model_validate(a, from_attributes=True) for a in rows.scalars().all()]


@router.get("/{case_id}/attachments/{attachment_id}/content", summary="Download (audited, access-logged)")
async def download(
    case_id: uuid.UUID,
    attachment_id: uuid.UUID,
    session: Session,
    storage: Store,
    user: Annotated[Principal, Depends(require_roles(*REVEAL_ROLES))],
) -> Response:
    case = await get_case(session=session, principal=user, case_id=case_id)
    attachment = await session.get(Attachment, attachment_id)
    if attachment is None or attachment.case_id != case.id:
        raise Problem(404, "No such attachment.")
    data = await service.read(storage=storage, attachment=attachment)
    record(
        session,
        AuditEntry,
        actor=user,
        action="attachment.download",
        entity_type="attachment",
        entity_id=attachment.id,
        org_path=case.org_path,
        case_id=str(case.id),
    )
    log_access(session, actor=user, case=case, fields=[f"attachment.{attachment.id}"], filename=attachment.filename)
    await session.commit()
    return Response(
        content=data,
        media_type=attachment.content_type,
        headers={
            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(attachment.filename)}",
            "X-Checksum-SHA256": attachment.sha256,
            "Cache-Control": "no-store",
        },
    )

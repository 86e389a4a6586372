"""Storing and finding a project's files."""

import hashlib
import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error
from halfsky_projects.attachments.models import Attachment, AttachmentBlob
from halfsky_projects.base import AuditEntry
from halfsky_projects.projects.models import Project

MAX_BYTES = 10 * 1024 * 1024
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc and .xls
ZIP = b"PK\x03\x04"  # the container of .docx and .xlsx
# Declared type → the leading bytes a real file of that type starts with (WebP: RIFF, size, WEBP).
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/webp": (b"RIFF",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (ZIP,),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (ZIP,),
    "application/msword": (OLE,),
    "application/vnd.ms-excel": (OLE,),
}
ALLOWED_TYPES = frozenset(SIGNATURES)


def matches(kind: str, data: bytes) -> bool:
    """True when the bytes begin as a file of the declared type does (an HTML page called a PDF does not)."""
    if kind == "image/webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return data.startswith(SIGNATURES[kind])


async def store(
    session: AsyncSession, *, actor: Principal, project: Project, filename: str, content_type: str, data: bytes
) -> Attachment:
    """Keep an uploaded file with the project."""
    name = filename.strip().replace("/", "_").replace("\\", "_")
    if not 1 <= len(name) <= 255:
        raise Problem(422, "A file name is required.", errors=[field_error("filename", "1–255 characters")])
    kind = content_type.split(";")[0].strip().lower()
    if kind not in ALLOWED_TYPES:
        raise Problem(
            415,
            f"Files of type {kind or 'unknown'} are not accepted.",
            errors=[field_error("Content-Type", "PDF, image, Word or Excel")],
        )
    if not data:
        raise Problem(422, "The file is empty.", errors=[field_error("body", "empty")])
    if len(data) > MAX_BYTES:
        raise Problem(413, f"Files are limited to {MAX_BYTES // (1024 * 1024)} MB.")
    if not matches(kind, data):
        raise Problem(
            415,
            f"The file's content is not {kind}.",
            errors=[field_error("body", "content does not match Content-Type")],
        )
    attachment = Attachment(
        project_id=project.id,
        org_path=project.org_path,
        filename=name,
        content_type=kind,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor.id,
    )
    session.add(attachment)
    await session.flush()
    session.add(AttachmentBlob(attachment_id=attachment.id, data=data))
    record(
        session,
        AuditEntry,
        actor=actor,
        action="attachment.upload",
        entity_type="attachment",
        entity_id=attachment.id,
        org_path=project.org_path,
        project_id=str(project.id),
        filename=name,
        size=len(data),
        sha256=attachment.sha256,
    )
    return attachment


async def require(session: AsyncSession, *, project: Project, attachment_id: uuid.UUID, field: str) -> Attachment:
    """An attachment of this project, or 422 naming the field that referred to it."""
    found = await session.get(Attachment, attachment_id)
    if found is None or found.project_id != project.id:
        raise Problem(422, "No such attachment on this project.", errors=[field_error(field, "unknown attachment")])
    return found


async def require_all(session: AsyncSession, *, project: Project, ids: list[uuid.UUID], field: str) -> None:
    """Every id names an attachment of this project."""
    for i, attachment_id in enumerate(ids):
        await require(session, project=project, attachment_id=attachment_id, field=f"{field}.{i}")


async def list_for(session: AsyncSession, *, project: Project) -> list[Attachment]:
    """A project's attachments (without their bytes)."""
    stmt = select(Attachment).where(Attachment.project_id == project.id).order_by(col(Attachment.created_at))
    return list((await session.execute(stmt)).scalars().all())


async def content(session: AsyncSession, *, attachment: Attachment) -> bytes:
    """The bytes of an attachment."""
    blob = await session.get(AttachmentBlob, attachment.id)
    return blob.data if blob else b""

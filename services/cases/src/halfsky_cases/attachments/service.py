"""Checking and storing uploads, reading them back with their checksum verified."""

import hashlib
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_cases.actions.service import ensure_workable
from halfsky_cases.attachments.models import Attachment
from halfsky_cases.attachments.storage import Storage
from halfsky_cases.cases.models import Case
from halfsky_cases.cases.timeline import note_change
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error

# Declared type → the leading bytes a real file of that type starts with.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "application/pdf": (b"%PDF-",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (b"PK\x03\x04",),
    "audio/mpeg": (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"),
}


def check_upload(*, data: bytes, content_type: str, filename: str, max_bytes: int) -> None:
    """413 when too big, 415 when the type is not allowed or the bytes are not of the declared type."""
    if len(data) > max_bytes:
        raise Problem(413, f"The file is larger than {max_bytes} bytes.", errors=[field_error("file", "too large")])
    if not data:
        raise Problem(422, "The file is empty.", errors=[field_error("file", "empty")])
    signatures = SIGNATURES.get(content_type)
    if signatures is None:
        raise Problem(
            415,
            f"Files of type {content_type} are not accepted.",
            errors=[field_error("file", "type")],
            accepted=sorted(SIGNATURES),
        )
    if not data.startswith(signatures):
        raise Problem(415, "The file's content does not match its declared type.", errors=[field_error("file", "type")])
    if not filename or len(filename) > 200 or "/" in filename or "\\" in filename:
        raise Problem(422, "Bad file name.", errors=[field_error("file", "name")])


async def store(
    *,
    session: AsyncSession,
    storage: Storage,
    case: Case,
    data: bytes,
    content_type: str,
    filename: str,
    description: str,
    actor: Principal,
) -> Attachment:
    ensure_workable(case)
    attachment_id = uuid.uuid4()
    key = f"{case.id}/{attachment_id}"
    attachment = Attachment(
        id=attachment_id,
        case_id=case.id,
        filename=filename,
        content_type=content_type,
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        storage_key=key,
        description=description,
        uploaded_by_id=actor.id,
        uploaded_by_name=actor.name,
    )
    session.add(attachment)
    note_change(
        session,
        case=case,
        actor=actor,
        kind="attachment_added",
        summary=f"附件: {filename}",
        action="attachment.upload",
        entity_type="attachment",
        entity_id=attachment_id,
        audit={"case_id": str(case.id), "size": len(data)},
        attachment_id=str(attachment_id),
        sha256=attachment.sha256,
    )
    await session.flush()
    await storage.put(key, data)
    return attachment


async def read(*, storage: Storage, attachment: Attachment) -> bytes:
    """The bytes, refused when they no longer match the stored checksum."""
    data = await storage.get(attachment.storage_key)
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise Problem(500, "The stored file is damaged (checksum mismatch).")
    return data

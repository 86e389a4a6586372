"""Files kept with a project: expenditure vouchers, activity photos, evaluation reports, signed letters."""

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, Column, DateTime, LargeBinary, String, Text
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class Attachment(Base, table=True):
    """An uploaded file (stored in the database: small scans and photos, size-capped)."""

    __tablename__ = "attachment"

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False, index=True)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    filename: str = Field(sa_column=Column(String(255), nullable=False))
    content_type: str = Field(sa_column=Column(String(100), nullable=False))
    size: int = Field(sa_column=Column(BigInteger, nullable=False))
    sha256: str = Field(sa_column=Column(String(64), nullable=False))
    uploaded_by: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class AttachmentBlob(Base, table=True):
    """The bytes of an attachment, apart so that listing files never loads them."""

    __tablename__ = "attachment_blob"

    attachment_id: uuid.UUID = Field(foreign_key="attachment.id", primary_key=True)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))

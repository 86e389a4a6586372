"""Tables of the project record: the project, its timeline of transitions, reviewers' opinions, code counters."""

import uuid
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Column, Date, DateTime, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class ProjectKind(StrEnum):
    """Where a project comes from."""

    routine = "routine"  # 常规
    government_purchase = "government_purchase"  # 政府购买
    upper_level = "upper_level"  # 上级实事
    self_initiated = "self_initiated"  # 自设
    social_international = "social_international"  # 社会/国际


class ProjectCategory(StrEnum):
    """The line of work a project belongs to."""

    employment = "employment"  # 就业创业
    skills_training = "skills_training"  # 技能培训
    health_screening = "health_screening"  # 两癌筛查
    legal_aid = "legal_aid"  # 法律援助
    family_building = "family_building"  # 平安家庭
    child_care = "child_care"  # 留守儿童
    safe_water = "safe_water"  # 母亲水窖
    micro_loans = "micro_loans"  # 小额担保贷款
    publicity = "publicity"  # 宣传教育
    other = "other"


class ProjectStatus(StrEnum):
    """Stages of the lifecycle (see workflow.py for the moves between them)."""

    draft = "draft"  # 草稿
    submitted = "submitted"  # 申报
    under_review = "under_review"  # 论证
    approved = "approved"  # 立项
    rejected = "rejected"  # 不予立项
    returned = "returned"  # 退回修改
    in_progress = "in_progress"  # 实施
    suspended = "suspended"  # 中止
    closing = "closing"  # 结项申请
    closed = "closed"  # 结项


def _jsonb() -> Any:
    return Column(JSONB, nullable=False)


def _ts() -> Any:
    return Column(DateTime(timezone=True), nullable=True)


class Project(Base, table=True):
    """A federation project (项目): goals, people, dates, lifecycle state."""

    __tablename__ = "project"
    __table_args__ = (
        Index("ix_project_org_path", "org_path", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_project_org_status", "org_path", "status", postgresql_ops={"org_path": "text_pattern_ops"}),
        Index("ix_project_created", "created_at", "id"),
    )

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    code: str = Field(sa_column=Column(String(40), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))
    kind: str = Field(sa_column=Column(String(30), nullable=False))
    category: str = Field(sa_column=Column(String(30), nullable=False))
    is_campaign: bool = False
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    partner_org_paths: list[str] = Field(default_factory=list, sa_column=_jsonb())
    partner_agencies: list[str] = Field(default_factory=list, sa_column=_jsonb())
    responsible_person: str = Field(sa_column=Column(String(100), nullable=False))
    supervising_leader: str = Field(sa_column=Column(String(100), nullable=False))
    funder: str = Field(default="", sa_column=Column(String(200), nullable=False))
    overall_goal: str = Field(sa_column=Column(Text, nullable=False))
    stage_goals: list[dict[str, Any]] = Field(default_factory=list, sa_column=_jsonb())
    start_date: date = Field(sa_column=Column(Date, nullable=False))
    end_date: date = Field(sa_column=Column(Date, nullable=False))
    target_groups: list[str] = Field(default_factory=list, sa_column=_jsonb())
    target_beneficiaries: int = Field(default=0, sa_column=Column(Integer, nullable=False))
    status: str = Field(default=ProjectStatus.draft, sa_column=Column(String(20), nullable=False))
    status_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    submitted_at: datetime | None = Field(default=None, sa_column=_ts())
    review_started_at: datetime | None = Field(default=None, sa_column=_ts())
    approved_at: datetime | None = Field(default=None, sa_column=_ts())
    rejected_at: datetime | None = Field(default=None, sa_column=_ts())
    returned_at: datetime | None = Field(default=None, sa_column=_ts())
    started_at: datetime | None = Field(default=None, sa_column=_ts())
    suspended_at: datetime | None = Field(default=None, sa_column=_ts())
    closing_at: datetime | None = Field(default=None, sa_column=_ts())
    closed_at: datetime | None = Field(default=None, sa_column=_ts())
    approved_by: str = Field(default="", sa_column=Column(String(100), nullable=False))
    behind_schedule: bool = False
    progress_checked_at: datetime | None = Field(default=None, sa_column=_ts())
    is_brand: bool = False
    brand_name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    brand_level: str = Field(default="", sa_column=Column(String(20), nullable=False))
    brand_year: int | None = None
    branded_at: datetime | None = Field(default=None, sa_column=_ts())
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1


class ProjectEvent(Base, table=True):
    """One lifecycle transition (or other milestone) on a project's timeline."""

    __tablename__ = "project_event"
    __table_args__ = (
        Index("ix_project_event_project", "project_id", "at"),
        Index("ix_project_event_to_at", "to_status", "at"),
        Index("ix_project_event_org_at", "org_path", "at", postgresql_ops={"org_path": "text_pattern_ops"}),
    )

    id: int | None = Field(default=None, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    action: str = Field(sa_column=Column(String(30), nullable=False))
    from_status: str = Field(sa_column=Column(String(20), nullable=False))
    to_status: str = Field(sa_column=Column(String(20), nullable=False))
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    actor_id: str = Field(sa_column=Column(String(64), nullable=False))
    actor_name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class ProjectReview(Base, table=True):
    """A reviewer's opinion and score during 论证."""

    __tablename__ = "project_review"
    __table_args__ = (UniqueConstraint("project_id", "reviewer_id", name="uq_project_review_reviewer"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False, index=True)
    reviewer_id: str = Field(sa_column=Column(String(64), nullable=False))
    reviewer_name: str = Field(default="", sa_column=Column(String(200), nullable=False))
    reviewer_org_path: str = Field(sa_column=Column(Text, nullable=False))
    score: int = Field(sa_column=Column(Integer, nullable=False))
    recommendation: str = Field(sa_column=Column(String(20), nullable=False))
    opinion: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))


class ProjectCounter(Base, table=True):
    """Last sequence number of project codes per lead unit and year (gap-free under concurrency)."""

    __tablename__ = "project_counter"

    org_code: str = Field(sa_column=Column(String(20), primary_key=True))
    year: int = Field(sa_column=Column(Integer, primary_key=True, autoincrement=False))
    last: int = Field(default=0, sa_column=Column(Integer, nullable=False))

"""Evaluations (baseline, half-year, annual, final) scored on criteria a unit configures, with archived reports."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from sqlalchemy import Boolean, Column, Date, DateTime, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import JSONB
from sqlmodel import Field

from halfsky_common.audit import utcnow
from halfsky_projects.base import Base


class EvaluationKind(StrEnum):
    """When in the project an evaluation happens."""

    baseline = "baseline"  # 前期（需求）评估
    half_year = "half_year"  # 半年评估
    annual = "annual"  # 年度评估
    final = "final"  # 终期评估


class CriteriaSet(Base, table=True):
    """The scoring criteria a unit sets for one kind of evaluation of the projects below it."""

    __tablename__ = "evaluation_criteria"
    __table_args__ = (UniqueConstraint("org_path", "kind", name="uq_evaluation_criteria_unit_kind"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    criteria: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    updated_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    updated_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))
    version: int = 1


class Evaluation(Base, table=True):
    """One evaluation of a project: scores, findings, problems, recommendations and its report."""

    __tablename__ = "evaluation"
    __table_args__ = (Index("ix_evaluation_project", "project_id", "kind"),)

    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    project_id: uuid.UUID = Field(foreign_key="project.id", nullable=False)
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(String(20), nullable=False))
    period: str = Field(default="", sa_column=Column(String(7), nullable=False))
    conducted_on: date = Field(sa_column=Column(Date, nullable=False))
    evaluator: str = Field(sa_column=Column(String(200), nullable=False))
    scores: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSONB, nullable=False))
    total_score: Decimal | None = Field(default=None, sa_column=Column(Numeric(5, 1), nullable=True))
    findings: str = Field(default="", sa_column=Column(Text, nullable=False))
    problems: str = Field(default="", sa_column=Column(Text, nullable=False))
    recommendations: str = Field(default="", sa_column=Column(Text, nullable=False))
    continue_next_round: bool | None = Field(default=None, sa_column=Column(Boolean, nullable=True))
    report_id: uuid.UUID = Field(foreign_key="attachment.id", nullable=False)
    created_by: str = Field(default="", sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_column=Column(DateTime(timezone=True), nullable=False))

"""Campaign phases (ordered, non-overlapping month ranges inside the project) and responsibility letters."""

from datetime import date, timedelta

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from halfsky_common.audit import record
from halfsky_common.auth import Principal
from halfsky_common.problems import Problem, field_error
from halfsky_projects.attachments.service import require
from halfsky_projects.base import AuditEntry
from halfsky_projects.campaigns.models import PHASE_ORDER, CampaignPhase, PhaseKind, ResponsibilityLetter
from halfsky_projects.campaigns.schemas import LetterCreate, PhaseSet
from halfsky_projects.projects.models import Project


def _first_day(month: str) -> date:
    return date.fromisoformat(month + "-01")


def _last_day(month: str) -> date:
    first = _first_day(month)
    return (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def require_campaign(project: Project) -> None:
    """409 unless the project is a campaign (创建)."""
    if not project.is_campaign:
        raise Problem(409, "Phases and responsibility letters belong to campaign projects (创建).")


async def phases_of(session: AsyncSession, *, project: Project) -> list[CampaignPhase]:
    """A campaign's phases in their order."""
    rows = (await session.execute(select(CampaignPhase).where(CampaignPhase.project_id == project.id))).scalars()
    return sorted(rows, key=lambda p: PHASE_ORDER.index(PhaseKind(p.phase)))


async def set_phase(
    session: AsyncSession, *, actor: Principal, project: Project, phase: PhaseKind, data: PhaseSet
) -> CampaignPhase:
    """Set a phase's months and tasks; phases follow each other in order without overlapping."""
    require_campaign(project)
    start, end = _first_day(data.start_month), _last_day(data.end_month)
    if end < start:
        raise Problem(422, "The phase ends before it starts.", errors=[field_error("end_month", "before start")])
    if start < project.start_date.replace(day=1) or end > _last_day(project.end_date.strftime("%Y-%m")):
        raise Problem(
            422,
            "The phase lies outside the project's dates.",
            errors=[field_error("start_month", "outside the project")],
        )
    phases = {p.phase: p for p in await phases_of(session, project=project)}
    rank = PHASE_ORDER.index(phase)
    for other, other_row in phases.items():
        other_rank = PHASE_ORDER.index(PhaseKind(other))
        if other_rank < rank and other_row.end_month >= start:
            raise Problem(
                422,
                f"The phase must start after {other} ends ({other_row.end_month:%Y-%m}).",
                errors=[field_error("start_month", f"overlaps {other}")],
            )
        if other_rank > rank and other_row.start_month <= end:
            raise Problem(
                422,
                f"The phase must end before {other} starts ({other_row.start_month:%Y-%m}).",
                errors=[field_error("end_month", f"overlaps {other}")],
            )
    existing = phases.get(phase)
    if existing is None:
        row = CampaignPhase(project_id=project.id, phase=phase, start_month=start, end_month=end)
        session.add(row)
    else:
        row = existing
        row.version += 1
    row.start_month, row.end_month, row.tasks, row.completed_on = start, end, data.tasks, data.completed_on
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="campaign.phase",
        entity_type="campaign_phase",
        entity_id=row.id,
        org_path=project.org_path,
        phase=phase,
        start=data.start_month,
        end=data.end_month,
    )
    return row


def current_phase(phases: list[CampaignPhase], day: date) -> PhaseKind | None:
    """The phase whose months hold `day`."""
    for p in phases:
        if p.start_month <= day <= p.end_month:
            return PhaseKind(p.phase)
    return None


async def add_letter(
    session: AsyncSession, *, actor: Principal, project: Project, data: LetterCreate
) -> ResponsibilityLetter:
    """Record a responsibility letter signed with a member unit."""
    require_campaign(project)
    if data.attachment_id:
        await require(session, project=project, attachment_id=data.attachment_id, field="attachment_id")
    letter = ResponsibilityLetter(
        project_id=project.id,
        created_by=actor.id,
        **data.model_dump(exclude={"member_org_path"}),
        member_org_path=data.member_org_path or "",
    )
    session.add(letter)
    await session.flush()
    record(
        session,
        AuditEntry,
        actor=actor,
        action="campaign.letter",
        entity_type="responsibility_letter",
        entity_id=letter.id,
        org_path=project.org_path,
        member_unit=data.member_unit,
    )
    return letter


async def letters_of(session: AsyncSession, *, project: Project) -> list[ResponsibilityLetter]:
    """A campaign's responsibility letters by signing date."""
    stmt = (
        select(ResponsibilityLetter)
        .where(ResponsibilityLetter.project_id == project.id)
        .order_by(col(ResponsibilityLetter.signed_on), col(ResponsibilityLetter.member_unit))
    )
    return list((await session.execute(stmt)).scalars().all())

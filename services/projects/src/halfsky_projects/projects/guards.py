"""Business checks a lifecycle action must pass beyond the transition table."""

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from halfsky_common.problems import Problem
from halfsky_projects.projects.models import Project, ProjectReview


async def check(session: AsyncSession, *, project: Project, action: str) -> None:
    """Raise 409 when the action's preconditions are not met."""
    if action == "approve":
        n = (await session.execute(select(func.count()).where(ProjectReview.project_id == project.id))).scalar_one()
        if n == 0:
            raise Problem(409, "A project is approved only after at least one review (论证).")

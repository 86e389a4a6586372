"""Business checks a lifecycle action must pass beyond the transition table."""

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from halfsky_common.problems import Problem
from halfsky_projects.projects.models import Project, ProjectReview


async def check(session: AsyncSession, *, project: Project, action: str) -> None:
    """Raise 409 when the action's preconditions are not met."""
    # Imported here: these domains build on the project record, not the other way round.
    from halfsky_projects.evaluations.service import has_final
    from halfsky_projects.supervision.service import open_count

    if action == "approve":
        n = (await session.execute(select(func.count()).where(ProjectReview.project_id == project.id))).scalar_one()
        if n == 0:
            raise Problem(409, "A project is approved only after at least one review (论证).")
    if action == "request_close":
        still_open = await open_count(session, project=project)
        if still_open:
            raise Problem(409, f"{still_open} rectification(s) required by supervision are not yet answered.")
    if action == "close" and not await has_final(session, project=project):
        raise Problem(409, "A project is closed only after its final evaluation (终期评估).")

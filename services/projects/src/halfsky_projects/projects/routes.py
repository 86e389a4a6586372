"""HTTP layer of projects."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import select

from halfsky_common.auth import CurrentUser, visible_to
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_projects.projects.models import Project
from halfsky_projects.projects.schemas import ProjectPublic

router = APIRouter(tags=["projects"])


@router.get("", response_model=Page[ProjectPublic], summary="Projects in the caller's region, newest first")
async def list_projects(
    session: Session,
    user: CurrentUser,
    status: str | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ProjectPublic]:
    stmt = select(Project).where(visible_to(user, Project.org_path))
    if status:
        stmt = stmt.where(Project.status == status)
    rows, next_cursor, has_more, _ = await paginate(
        session,
        stmt,
        keys=[SortKey(Project.created_at, descending=True), SortKey(Project.id, descending=True)],
        cursor=cursor,
        limit=limit,
    )
    return Page(
        items=[ProjectPublic.model_validate(r, from_attributes=True) for r in rows],
        next_cursor=next_cursor,
        has_more=has_more,
    )

"""Fixtures of the shared library's tests: a tiny app of its own on a fresh database."""

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import APIRouter, FastAPI, Request, Response
from sqlalchemy import Column, String, Text
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel, col, select

from halfsky_common.app import create_service_app
from halfsky_common.auth import CurrentUser, visible_to
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.settings import ServiceSettings
from halfsky_common.testing import fresh_database, running, shared_key_pair


class Base(SQLModel, registry=registry()):
    pass


class Note(Base, table=True):
    __tablename__ = "note"
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    rank: int
    org_path: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(String(50), nullable=False))
    version: int = 1


router = APIRouter(tags=["notes"])


@router.get("", response_model=Page[Note])
async def list_notes(session: Session, user: CurrentUser, cursor: str | None = None, limit: int = 3) -> Page[Note]:
    stmt = select(Note).where(visible_to(user, Note.org_path))
    rows, nxt, more, total = await paginate(
        session,
        stmt,
        keys=[SortKey(col(Note.rank), descending=True), SortKey(col(Note.id))],
        cursor=cursor,
        limit=limit,
        with_total=True,
    )
    return Page(items=rows, next_cursor=nxt, has_more=more, total=total)


@router.patch("/{note_id}", response_model=Note)
async def edit_note(
    note_id: uuid.UUID, text: str, session: Session, user: CurrentUser, request: Request, response: Response
) -> Note:
    note = await session.get(Note, note_id)
    assert note is not None
    check_if_match(request, note.version)
    note.text, note.version = text, note.version + 1
    await session.commit()
    set_etag(response, note.version)
    return note


@pytest.fixture(scope="session")
async def app() -> FastAPI:
    url = await fresh_database("common")
    settings = ServiceSettings(database_url=url, jwt_public_key=shared_key_pair()[1])
    app = create_service_app(name="notes", title="notes", settings=settings, routers=[router])
    return app


@pytest.fixture(scope="session")
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with running(app) as c:
        async with app.state.engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        yield c


@pytest.fixture(scope="session")
async def notes(app: FastAPI, client: httpx.AsyncClient) -> dict[str, uuid.UUID]:
    """Seven notes in 天河区 (ranks 1–7, two sharing rank 5) and one in 越秀区; their ids by text."""
    rows = [Note(rank=r, org_path="/44/4401/440106/", text=f"th{r}{i}") for i, r in enumerate([1, 2, 3, 4, 5, 5, 7])]
    rows.append(Note(rank=6, org_path="/44/4401/440103/", text="yx"))
    async with app.state.sessionmaker() as session:
        session.add_all(rows)
        await session.commit()
    return {n.text: n.id for n in rows}

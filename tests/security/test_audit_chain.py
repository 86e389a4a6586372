"""The audit tables are append-only and hash-chained; the check names the first broken link after tampering."""

import asyncio
import json
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from halfsky_common.auditchain import GENESIS, verify
from halfsky_common.db import make_engine
from halfsky_common.migrations import upgrade_async
from halfsky_common.testing import fresh_database

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "services" / "cases"
BEFORE_CHAIN = "233136c13d62"  # the cases revision before the audit chain


async def _insert(engine: AsyncEngine, action: str, **detail: object) -> None:
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, org_path,"
                " request_id, detail) VALUES (now(), :actor, '李晓红', :action, 'case', :entity,"
                " '/44/4401/440106/', :rid, CAST(:detail AS jsonb))"
            ),
            {
                "actor": str(uuid.uuid4()),
                "action": action,
                "entity": str(uuid.uuid4()),
                "rid": uuid.uuid4().hex,
                "detail": json.dumps(detail, ensure_ascii=False),
            },
        )


async def _tamper(engine: AsyncEngine, sql: str) -> None:
    """What a superuser can do: switch the guards off, change rows, switch them on again."""
    async with engine.begin() as conn:
        await conn.execute(text("ALTER TABLE audit_log DISABLE TRIGGER USER"))
        await conn.execute(text(sql))
        await conn.execute(text("ALTER TABLE audit_log ENABLE TRIGGER USER"))


@pytest.fixture
async def chained() -> AsyncIterator[tuple[str, AsyncEngine]]:
    """A cases database with rows written before the chain existed, then migrated to head."""
    url = await fresh_database("auditchain")
    engine = make_engine(url)
    await upgrade_async(CASES, engine, BEFORE_CHAIN)
    for i in range(3):
        await _insert(engine, "case.create", n=i)
    await upgrade_async(CASES, engine)
    for i in range(3, 6):
        await _insert(engine, "case.update", n=i, summary="丈夫酒后殴打")
    try:
        yield url, engine
    finally:
        await engine.dispose()


async def _problem(url: str) -> tuple[int | None, str | None]:
    report = next(r for r in await verify(url) if r.table == "audit_log")
    return report.broken_at, report.problem


async def test_rows_old_and_new_form_one_intact_chain(chained: tuple[str, AsyncEngine]) -> None:
    url, engine = chained
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT chain_seq, prev_hash, row_hash FROM audit_log ORDER BY id"))).all()
    assert [r[0] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert rows[0][1] == GENESIS
    assert all(rows[i][1] == rows[i - 1][2] for i in range(1, 6))
    reports = {r.table: r for r in await verify(url)}
    assert set(reports) == {"audit_log", "access_log"}
    assert reports["audit_log"].ok and reports["audit_log"].rows == 6
    assert reports["audit_log"].head_hash == rows[-1][2]


async def test_update_and_delete_are_refused(chained: tuple[str, AsyncEngine]) -> None:
    _, engine = chained
    for sql in ("UPDATE audit_log SET actor_name = '某人' WHERE chain_seq = 2", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            async with engine.begin() as conn:
                await conn.execute(text(sql))
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO access_log (at, actor_id, actor_name, actor_roles, case_number, org_path, fields,"
                " reason, request_id, detail) VALUES (now(), 'u1', '李晓红', '{case_worker}', 'WQ-440106-2026-000001',"
                " '/44/4401/440106/', '{victim.phone}', '回访', 'r1', '{}')"
            )
        )
    with pytest.raises(DBAPIError, match="append-only"):
        async with engine.begin() as conn:
            await conn.execute(text("DELETE FROM access_log"))


@pytest.mark.parametrize(
    ("sql", "at", "says"),
    [
        ("UPDATE audit_log SET detail = '{\"n\": 99}' WHERE chain_seq = 4", 4, "changed after it was written"),
        ("UPDATE audit_log SET at = at - interval '1 day' WHERE chain_seq = 2", 2, "changed after it was written"),
        ("DELETE FROM audit_log WHERE chain_seq = 3", 3, "skips"),
        ("UPDATE audit_log SET prev_hash = repeat('1', 64) WHERE chain_seq = 5", 5, "prev_hash"),
        (
            "INSERT INTO audit_log (at, actor_id, actor_name, action, entity_type, entity_id, org_path, request_id,"
            " detail) VALUES (now(), 'x', '', 'case.delete', 'case', 'x', '', '', '{}')",
            1,
            "not chained",
        ),
    ],
)
async def test_tampering_is_found_at_the_first_broken_link(
    chained: tuple[str, AsyncEngine], sql: str, at: int, says: str
) -> None:
    url, engine = chained
    assert await _problem(url) == (None, None)
    await _tamper(engine, sql)
    broken_at, problem = await _problem(url)
    assert broken_at == at and problem is not None and says in problem


async def test_a_recomputed_tail_is_caught_by_a_noted_head(chained: tuple[str, AsyncEngine]) -> None:
    url, engine = chained
    head = next(r for r in await verify(url) if r.table == "audit_log")
    assert head.head_seq is not None and head.head_hash is not None
    # Empty the table: a chain of nothing is intact, but the noted head is gone.
    async with engine.begin() as conn:
        await conn.execute(text("TRUNCATE audit_log"))
    [pinned] = await verify(url, tables=["audit_log"], expect={"audit_log": (head.head_seq, head.head_hash)})
    assert pinned.broken_at == head.head_seq and pinned.problem and "gone" in pinned.problem


async def test_concurrent_writers_queue_for_the_next_link(chained: tuple[str, AsyncEngine]) -> None:
    url, engine = chained
    await asyncio.gather(*(_insert(engine, "case.transition", n=i) for i in range(24)))
    report = next(r for r in await verify(url) if r.table == "audit_log")
    assert report.ok and report.rows == 30 and report.head_seq == 30


async def test_the_check_command_exits_non_zero_on_a_broken_chain(chained: tuple[str, AsyncEngine]) -> None:
    url, engine = chained

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "halfsky_common.auditchain", url, *args], capture_output=True, text=True, timeout=60
        )

    ok = check()
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "audit_log: 6 rows, chain intact" in ok.stdout
    await _tamper(engine, "UPDATE audit_log SET actor_name = '别人' WHERE chain_seq = 1")
    broken = check()
    assert broken.returncode == 1
    assert "audit_log: BROKEN at row 1" in broken.stdout

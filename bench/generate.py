"""Generate the province's data once per scale, one database at a time; a rerun reuses what is there.

`state.json` in the scale's folder records each finished step. A step that started but did not finish (an
interrupted run) gets a fresh database before it runs again.
"""

import json
import time
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

import httpx

from bench import gen_cases, gen_indicators, gen_projects
from bench.bulk import connect
from bench.config import BenchConfig
from bench.regions import Regions
from bench.system import ADMIN_PASSWORD, cli, ensure_users, login
from halfsky_common.db import make_engine
from halfsky_common.migrations import upgrade_async
from halfsky_common.pgserver import create_database
from halfsky_gateway.stack import Stack, component_dir

NEEDS = {  # scenario (or `engines`) → the data it needs
    "case_intake": "cases",
    "case_list": "cases",
    "case_detail": "cases",
    "project_detail": "projects",
    "data_entry": "indicators",
    "analytics": "indicators",
    "engines": "indicators",
}


def needed_steps(only: tuple[str, ...]) -> set[str]:
    """The data a run needs: everything, or for a partial run (BENCH_ONLY) what its scenarios read."""
    return {NEEDS[k] for k in only} if only else set(NEEDS.values())


class State:
    """What has been generated at this scale, kept in `state.json`."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {"steps": {}}

    def save(self) -> None:
        self.path.write_text(json.dumps(self.data, indent=2, ensure_ascii=False))

    def step(self, name: str) -> dict[str, Any]:
        steps: dict[str, dict[str, Any]] = self.data["steps"]
        return steps.setdefault(name, {})


async def run_step(
    state: State, stack: Stack, name: str, work: Callable[[], Awaitable[dict[str, Any]]], database: str | None
) -> None:
    step = state.step(name)
    if step.get("done"):
        print(f"  {name}: reusing ({', '.join(f'{k} {v}' for k, v in step.items() if k != 'done')})", flush=True)
        return
    if step.get("started") and database:
        print(f"  {name}: an earlier run stopped half-way; starting again on an empty database", flush=True)
        await create_database(stack.urls[database], stack.db_prefix + f"halfsky_{database}", drop_first=True)
        engine = make_engine(stack.urls[database])
        try:
            await upgrade_async(component_dir(database), engine)
        finally:
            await engine.dispose()
    step["started"] = True
    state.save()
    start = time.perf_counter()
    print(f"  {name}: generating …", flush=True)
    result = await work()
    step.update(result, seconds=round(time.perf_counter() - start), done=True)
    state.save()
    print(f"  {name}: done in {step['seconds']} s: {result}", flush=True)


async def generate(config: BenchConfig, stack: Stack, regions: Regions, tree: Path) -> State:
    """Every step, in order; returns the state (what exists, how long each step took)."""
    state = State(config.data_dir / "state.json")
    state.data["scale"] = config.scale

    async def gateway() -> dict[str, Any]:
        out = cli(stack, "gateway", "halfsky_gateway.cli", "import-tree", str(tree)).strip()
        conn = await connect(stack.urls["gateway"])
        try:
            ids = {r["code"]: str(r["id"]) for r in await conn.fetch("SELECT id, code FROM org_unit")}
        finally:
            await conn.close()
        await ensure_users(stack, ids)
        return {"org_units": len(ids), "import": out}

    async def cases() -> dict[str, Any]:
        conn = await connect(stack.urls["cases"])
        try:
            n = await gen_cases.generate(
                conn,
                regions=regions,
                n=config.cases,
                data_dir=stack.data_dir / "cases",
                ids_file=config.data_dir / "case_ids.txt",
            )
            return {"cases": n} | await counts(conn, ["person", "case_party", "case_event", "case_link"])
        finally:
            await conn.close()

    async def projects() -> dict[str, Any]:
        conn = await connect(stack.urls["projects"])
        try:
            ids = await gen_projects.generate(conn, regions=regions, n=config.projects)
            (config.data_dir / "project_ids.txt").write_text("\n".join(ids[:: max(1, len(ids) // 20_000)]) + "\n")
            tables = ["project", "plan_target", "activity", "beneficiary", "beneficiary_outcome", "budget_line"]
            return await counts(conn, tables)
        finally:
            await conn.close()

    async def indicators() -> dict[str, Any]:
        token = login(stack.base_url, "admin", ADMIN_PASSWORD)
        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=stack.base_url, headers=headers) as client:
            cli(stack, "indicators", "halfsky_indicators.cli", "seed-catalogue")
            elements = await gen_indicators.catalogue(client, config.elements)
            await gen_indicators.labels(client, regions)
        months = gen_indicators.months(date.today())
        conn = await connect(stack.urls["indicators"])
        try:
            n = await gen_indicators.values(
                conn, regions=regions, elements=elements, periods=months, entered_by="bench-generator"
            )
        finally:
            await conn.close()
        start = time.perf_counter()
        out = cli(stack, "indicators", "halfsky_indicators.cli", "rebuild-analytics").strip()
        return {
            "data_values": n,
            "elements": len(elements),
            "months": [months[0].code, months[-1].code],
            "rebuild_analytics_seconds": round(time.perf_counter() - start),
            "rebuild": out,
        }

    async def vacuum() -> dict[str, Any]:
        """What autovacuum would have done on a system that had been running: statistics and visibility maps."""
        timings = {}
        for name in ("gateway", "cases", "projects", "indicators"):
            start = time.perf_counter()
            conn = await connect(stack.urls[name])
            try:
                await conn.execute("VACUUM (ANALYZE)")
            finally:
                await conn.close()
            timings[name] = round(time.perf_counter() - start)
        return {"vacuum_analyze_seconds": timings}

    wanted = needed_steps(config.only)
    await run_step(state, stack, "gateway", gateway, None)
    for name, work in (("cases", cases), ("projects", projects), ("indicators", indicators)):
        if name in wanted:
            await run_step(state, stack, name, work, name)
    await run_step(state, stack, "vacuum" if wanted == set(NEEDS.values()) else "vacuum-partial", vacuum, None)
    return state


async def counts(conn: Any, tables: list[str]) -> dict[str, int]:
    return {t: int(await conn.fetchval(f'SELECT count(*) FROM "{t}"')) for t in tables}  # noqa: S608

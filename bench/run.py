"""The measuring part of `make bench`: load runs through the gateway and directly, per-filter list latencies,
the analytics engines side by side, peak memory, then the report."""

import asyncio
import statistics
import time
from datetime import date
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from bench import engines, report, scenarios
from bench.bulk import dsn
from bench.config import BenchConfig
from bench.gen_indicators import DATA_SET, INDICATOR
from bench.generate import State
from bench.load import Scenario, run_wrk
from bench.regions import Regions
from bench.system import Users, cpu_seconds, peak_rss, sign_in
from halfsky_common.periods import parse
from halfsky_gateway.stack import Stack

# Two loads per scenario: "light" (two connections, about one request per core: latency is the work itself) and
# "load" (sixteen: the machine saturated, requests queue; throughput).
LOADS = {"light": 2, "load": 16}
WARMUP_SECONDS = 3


async def clear_entries(url: str, last_month_end: date) -> int:
    """Remove the forms earlier runs saved after the generated months, so every run starts from the same data."""
    conn = await asyncpg.connect(dsn(url))
    try:
        ds = await conn.fetchval("SELECT id FROM data_set WHERE code = $1", DATA_SET)
        await conn.execute(
            "DELETE FROM data_set_report WHERE data_set_id = $1 AND period_start > $2", ds, last_month_end
        )
        status = await conn.execute(
            "DELETE FROM data_value WHERE period_start > $1 AND element_id IN "
            "(SELECT element_id FROM data_set_element WHERE data_set_id = $2)",
            last_month_end,
            ds,
        )
        return int(status.split()[-1])
    finally:
        await conn.close()


async def active_queries(urls: dict[str, str]) -> int:
    """Statements still running in the system's databases (requests wrk gave up waiting for)."""
    total = 0
    for url in urls.values():
        conn = await asyncpg.connect(dsn(url))
        try:
            total += int(
                await conn.fetchval(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND state = 'active' AND pid <> pg_backend_pid()"
                )
            )
        finally:
            await conn.close()
    return total


def settle(stack: Stack, most: float = 120.0) -> None:
    """Wait until the last run's stragglers are done, so they do not count against the next run."""
    deadline = time.monotonic() + most
    while asyncio.run(active_queries(stack.urls)) and time.monotonic() < deadline:
        time.sleep(0.5)
    time.sleep(1.0)


def drive(config: BenchConfig, stack: Stack, scenario: Scenario, counter: list[int]) -> dict[str, Any]:
    """Warm up, then each load directly at the service and through the gateway."""
    direct = f"http://{stack.host}:{stack.ports[scenario.service]}"
    workdir = config.data_dir / "wrk"

    def once(prefix: str, base: str, connections: int, duration: int) -> dict[str, Any]:
        counter[0] += 1
        script = scenario.script(prefix, counter[0], threads=2)
        settle(stack)
        before = cpu_seconds(stack)
        result = run_wrk(script, base, connections=connections, duration=duration, threads=2, workdir=workdir)
        settle(stack)
        after = cpu_seconds(stack)
        done = max(result["requests"], 1)
        result["cpu_ms_per_request"] = {k: (after[k] - before.get(k, 0.0)) * 1000 / done for k in after}
        return result

    once("", direct, 4, WARMUP_SECONDS)
    once("/api", stack.base_url, 4, WARMUP_SECONDS)
    runs: dict[str, Any] = {}
    for load, connections in LOADS.items():
        runs[load] = {
            "direct": once("", direct, connections, config.duration),
            "gateway": once("/api", stack.base_url, connections, config.duration),
        }
        for path in ("direct", "gateway"):
            r = runs[load][path]
            print(
                f"    {load:5s} {path:7s} {r['rps']:8.1f} req/s  p50 {r['latency_us']['p50'] / 1000:7.1f} ms  "
                f"p95 {r['latency_us']['p95'] / 1000:7.1f} ms  p99 {r['latency_us']['p99'] / 1000:7.1f} ms  "
                f"failed {r['failed']}  cpu ms/req "
                + " ".join(f"{k} {v:.1f}" for k, v in r["cpu_ms_per_request"].items() if v >= 0.05)
                + (f"  ({r['sample'][:120]})" if r["failed"] else ""),
                flush=True,
            )
    return {"title": scenario.title, "service": scenario.service, "runs": runs}


def probe_filters(stack: Stack, users: Users, rounds: int = 30) -> list[dict[str, Any]]:
    """Each list filter alone, one request at a time through the gateway: which filter costs what."""
    out = []
    with httpx.Client(base_url=stack.base_url, timeout=60) as client:
        for label, path, user in scenarios.list_filters(date.today()):
            headers = users.header(user)
            first = client.get("/api" + path + "&total=true", headers=headers)
            first.raise_for_status()
            timings = []
            for _ in range(rounds):
                start = time.perf_counter()
                client.get("/api" + path, headers=headers).raise_for_status()
                timings.append((time.perf_counter() - start) * 1000)
            timings.sort()
            out.append(
                {
                    "filter": label,
                    "path": path,
                    "matching": first.json().get("total"),
                    "p50_ms": statistics.median(timings),
                    "p95_ms": timings[int(len(timings) * 0.95) - 1],
                }
            )
            print(
                f"    {label:42s} {out[-1]['matching']!s:>9s} cases  p50 {out[-1]['p50_ms']:6.1f} ms  "
                f"p95 {out[-1]['p95_ms']:6.1f} ms",
                flush=True,
            )
    return out


def ids_file(path: Path) -> list[str]:
    """Sampled record ids written by generation (none when that data was not generated)."""
    return path.read_text().split() if path.exists() else []


def run(config: BenchConfig, stack: Stack, regions: Regions, state: State) -> None:
    started = time.time()
    ind = state.step("indicators")
    has_values = bool(ind.get("done"))  # a partial run on cases or projects alone has no village values
    months = scenarios.month_range(*ind["months"]) if has_values else ["202101", "202101"]
    last_end = parse(months[-1]).last
    runs_per_scenario = 2 + 2 * len(LOADS)
    if has_values:
        print(f"cleared {asyncio.run(clear_entries(stack.urls['indicators'], last_end))} values of earlier runs")
    users = sign_in(stack)
    built = scenarios.build(
        users=users,
        regions=regions,
        case_ids=ids_file(config.data_dir / "case_ids.txt"),
        project_ids=ids_file(config.data_dir / "project_ids.txt"),
        months=months,
        elements=ind.get("elements", 2),
        entry_runs=runs_per_scenario + 1,
    )
    results: dict[str, Any] = {"scenarios": {}}
    counter = [0]
    for scenario in built:
        if config.only and scenario.key not in config.only:
            continue
        print(f"  {scenario.title}", flush=True)
        results["scenarios"][scenario.key] = drive(config, stack, scenario, counter)
        if scenario.key == "case_list":
            print("  case list, each filter alone (through the gateway, one at a time)", flush=True)
            settle(stack)
            results["list_filters"] = probe_filters(stack, users)
    if not config.only or "engines" in config.only:
        print("  analytics: analytics table vs raw SQL vs all rows to Python", flush=True)
        settle(stack)
        results["analytics"] = asyncio.run(
            engines.compare(stack.urls["indicators"], indicator_code=INDICATOR, months=months, rounds=config.rounds)
        )
        a = results["analytics"]
        print(
            "    "
            + ", ".join(f"{k} {v['median_ms']:.0f} ms" for k, v in a["timings"].items())
            + f"; identical: table = raw {a['identical_table_raw']}, table = naive {a['identical_table_naive']}",
            flush=True,
        )
    results["memory"] = peak_rss(stack)
    if has_values:
        print(f"cleared {asyncio.run(clear_entries(stack.urls['indicators'], last_end))} values saved by this run")
    results["data"] = state.data
    results["config"] = {
        "scale": config.scale,
        "duration_s": config.duration,
        "workers": config.workers,
        "loads": LOADS,
        "wall_seconds": round(time.time() - started),
    }
    report.write(config, results)

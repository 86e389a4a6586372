"""Where the CPU of one case intake goes, and what intake sustains: a rerunnable profile of `POST /cases/intake`.

    python -m bench.profile_intake                   # seed (once), profile 300 intakes in-process, then a wrk run
    python -m bench.profile_intake --no-load         # the in-process profile only
    python -m bench.profile_intake --no-profile --duration 20 --connections 16 --workers 2

It uses its own embedded PostgreSQL in `bench/.data/profile-intake/` (or DATABASE_URL's server), a database
`profile_cases` with `--cases` generated cases (the bench's own generator, `gen_cases.py`, on the region tree of
`bench/.cache/guangdong.csv` when `make bench` fetched it, else the gateway's demo tree), and the bench's intake
bodies (`scenarios.intake_bodies`: victim with ID number, phone and address, respondents, DV risk answers).

- **Profile**: the app in-process (`httpx.ASGITransport`), `--requests` intakes one after another under cProfile;
  prints the functions by own time and by cumulative time, and the CPU milliseconds per intake of this process
  (app and the in-process client together) and of PostgreSQL (every backend, from /proc).
- **Load**: a real uvicorn (`--workers`), wrk with the bench's intake Lua script for `--duration` seconds at
  `--connections`; prints req/s, latency percentiles, and CPU ms per intake of uvicorn and of PostgreSQL.

Each intake adds a case, so the database grows a little with every run; `--reseed` starts it over.
"""

import argparse
import asyncio
import cProfile
import io
import json
import os
import pstats
import signal
import socket
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import asyncpg
import httpx

from bench import gen_cases
from bench.bulk import connect
from bench.config import BENCH_DIR, ROOT
from bench.load import INTAKE, Scenario, run_wrk
from bench.regions import Regions, load
from bench.scenarios import intake_bodies
from halfsky_cases.config import Settings
from halfsky_cases.main import create_app
from halfsky_common.db import make_engine
from halfsky_common.keys import generate_key_pair
from halfsky_common.migrations import upgrade_async
from halfsky_common.pgserver import create_database, database_url, start_embedded
from halfsky_common.testing import make_token, running

DATA = BENCH_DIR / ".data" / "profile-intake"
CASES_DIR = ROOT / "services" / "cases"
DB_NAME = "profile_cases"
TICKS = os.sysconf("SC_CLK_TCK")


def regions_tree() -> Regions:
    full = BENCH_DIR / ".cache" / "guangdong.csv"
    return load(full if full.exists() else ROOT / "gateway" / "src" / "halfsky_gateway" / "data" / "demo_regions.csv")


def server() -> tuple[str, Path | None]:
    """The server's base URL and, for the embedded one, its data folder (to find its processes)."""
    if os.environ.get("DATABASE_URL"):
        return os.environ["DATABASE_URL"], None
    _, url = start_embedded(DATA / "pg")
    return str(url), DATA / "pg"


def key_pair() -> tuple[str, str]:
    private, public = DATA / "jwt-private.pem", DATA / "jwt-public.pem"
    if not private.exists():
        DATA.mkdir(parents=True, exist_ok=True)
        pem, pub = generate_key_pair()
        public.write_text(pub)
        private.write_text(pem)
    return private.read_text(), public.read_text()


async def seed(base: str, regions: Regions, n: int, reseed: bool) -> str:
    marker = DATA / "seeded.json"
    state = json.loads(marker.read_text()) if marker.exists() else {}
    url = database_url(base, DB_NAME)
    if state.get("cases") == n and not reseed:
        return url
    url = await create_database(base, DB_NAME, drop_first=True)
    engine = make_engine(url)
    await upgrade_async(CASES_DIR, engine)
    await engine.dispose()
    started = time.monotonic()
    conn = await connect(url)
    try:
        await gen_cases.generate(conn, regions=regions, n=n, data_dir=DATA / "cases", ids_file=DATA / "ids.txt")
        await conn.execute("VACUUM (ANALYZE)")
    finally:
        await conn.close()
    marker.write_text(json.dumps({"cases": n}))
    print(f"seeded {n:,} cases in {time.monotonic() - started:.0f} s")
    return url


def operator_tokens(regions: Regions, private_pem: str) -> list[str]:
    """Hotline operators of up to eight districts (as the bench's load runs use)."""
    return [
        make_token(
            roles=["hotline_operator"],
            org_path=u.path,
            org=u.code,
            org_code=u.code,
            name="接线员",
            private_key_pem=private_pem,
            ttl=timedelta(hours=4),
        )
        for u in regions.level(3)[:8]
    ]


def postgres_pids(pgdata: Path | None) -> list[int]:
    """The postmaster and every backend of the embedded server (none for an external one)."""
    if pgdata is None:
        return []
    pidfile = next(pgdata.rglob("postmaster.pid"), None)
    if pidfile is None:
        return []
    return [int(pidfile.read_text().split()[0]), *children(int(pidfile.read_text().split()[0]))]


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found += [int(entry.name), *children(int(entry.name))]
    return found


def cpu_seconds(pids: list[int]) -> float:
    """utime + stime of these processes (and of their reaped children)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += sum(int(f) for f in fields[11:15])
    return total / TICKS


class PgCpu:
    """CPU of PostgreSQL's processes over a span (backends come and go: sampled at both ends, by pid)."""

    def __init__(self, pgdata: Path | None) -> None:
        self.pgdata = pgdata

    def __enter__(self) -> "PgCpu":
        self.before = {p: cpu_seconds([p]) for p in postgres_pids(self.pgdata)}
        return self

    def __exit__(self, *_: object) -> None:
        after = {p: cpu_seconds([p]) for p in postgres_pids(self.pgdata)}
        self.seconds = sum(v - self.before.get(p, 0.0) for p, v in after.items())


async def profile(
    settings: Settings, tokens: list[str], bodies: list[str], n: int, pgdata: Path | None, top: int
) -> None:
    """`n` intakes under pyinstrument (a call tree that follows awaits; `make install` brings it), else cProfile."""
    app = create_app(settings)
    run = time.time_ns()
    async with running(app) as client:

        async def one(i: int) -> None:
            r = await client.post(
                "/cases/intake",
                content=bodies[(i + len(bodies) // 2) % len(bodies)].encode(),  # other victims than `timed`
                headers={
                    "Authorization": f"Bearer {tokens[i % len(tokens)]}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": f"profile-{run}-{i}",
                },
            )
            assert r.status_code == 201, r.text

        for i in range(30):  # warm up: imports, prepared statements, pool
            await one(i)
        try:
            from pyinstrument import Profiler
        except ImportError:
            Profiler = None
        with PgCpu(pgdata) as pg:
            wall, cpu = time.perf_counter(), time.process_time()
            if Profiler is not None:
                sampler = Profiler(interval=0.0002, async_mode="enabled")
                sampler.start()
                for i in range(30, 30 + n):
                    await one(i)
                sampler.stop()
            else:
                profiler = cProfile.Profile(time.process_time)  # CPU, not time spent waiting on the database
                profiler.enable()
                for i in range(30, 30 + n):
                    await one(i)
                profiler.disable()
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    if Profiler is not None:
        print(sampler.output_text(unicode=False, color=False, show_all=False))
        print(sampler.output_text(unicode=False, color=False, show_all=True, flat=True)[: top * 90])
    else:
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(top)
        stats.sort_stats("cumulative").print_stats("halfsky_", top)  # our own functions, with their callees
        print(out.getvalue())
    print(
        f"profiled: {n} intakes, {wall / n * 1000:.2f} ms wall, {cpu / n * 1000:.2f} ms CPU of this process "
        f"(app and client, under the profiler), {pg.seconds / n * 1000:.2f} ms CPU of PostgreSQL per intake"
    )


async def timed(settings: Settings, tokens: list[str], bodies: list[str], n: int, pgdata: Path | None) -> None:
    """The same loop without the profiler, in five rounds: the CPU one intake costs in-process.

    The machine is shared, and contention inflates CPU time too (caches, frequency): the least of the rounds is the
    figure to compare between versions, the median says how noisy it was.
    """
    app = create_app(settings)
    run = time.time_ns()
    rounds: list[tuple[float, float, float]] = []
    async with running(app) as client:
        headers = {"Content-Type": "application/json"}

        async def one(i: int) -> None:
            h = {**headers, "Authorization": f"Bearer {tokens[i % len(tokens)]}", "Idempotency-Key": f"t-{run}-{i}"}
            r = await client.post("/cases/intake", content=bodies[i % len(bodies)].encode(), headers=h)
            assert r.status_code == 201, r.text

        for i in range(30):
            await one(i)
        per_round = max(n // 5, 1)
        for k in range(5):
            with PgCpu(pgdata) as pg:
                wall, cpu = time.perf_counter(), time.process_time()
                for i in range(30 + k * per_round, 30 + (k + 1) * per_round):
                    await one(i)
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            rounds.append((cpu / per_round * 1000, pg.seconds / per_round * 1000, wall / per_round * 1000))
    cpu_ms, pg_ms, wall_ms = (sorted(r[j] for r in rounds) for j in range(3))
    print(
        f"in-process, no profiler: 5 x {per_round} intakes; per intake, least (median) of the rounds: "
        f"CPU of this process (app and client) {cpu_ms[0]:.2f} ({cpu_ms[2]:.2f}) ms, "
        f"PostgreSQL {pg_ms[0]:.2f} ({pg_ms[2]:.2f}) ms, wall {wall_ms[0]:.2f} ({wall_ms[2]:.2f}) ms; "
        f"load average {os.getloadavg()[0]:.2f}"
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def load_run(
    url: str, public_pem: str, tokens: list[str], bodies: list[str], args: argparse.Namespace, pgdata: Path | None
) -> None:
    port = free_port()
    key_file = DATA / "jwt-public.pem"
    env = {
        **os.environ,
        "CASES_DATABASE_URL": url,
        "CASES_JWT_PUBLIC_KEY_FILE": str(key_file),
        "CASES_DATA_DIR": str(DATA / "cases"),
        "HALFSKY_LOG_LEVEL": "WARNING",
    }
    cmd = [sys.executable, "-m", "uvicorn", "halfsky_cases.main:create_app", "--factory", "--port", str(port)]
    cmd += ["--no-access-log", "--workers", str(args.workers)] if args.workers > 1 else ["--no-access-log"]
    proc = subprocess.Popen(cmd, env=env)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/ready", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline or proc.poll() is not None:
                raise SystemExit("uvicorn did not get ready")
            time.sleep(0.3)
        scenario = Scenario("case_intake", "intake", "cases", INTAKE, {"TOKENS": tokens, "BODIES": bodies})
        base = f"http://127.0.0.1:{port}"
        with tempfile.TemporaryDirectory() as tmp:
            run_wrk(scenario.script("", 0, 2), base, connections=4, duration=3, threads=2, workdir=Path(tmp))  # warm
            uvicorn = [proc.pid, *children(proc.pid)]
            before = cpu_seconds(uvicorn)
            with PgCpu(pgdata) as pg:
                result = run_wrk(
                    scenario.script("", 1, 2),
                    base,
                    connections=args.connections,
                    duration=args.duration,
                    threads=2,
                    workdir=Path(tmp),
                )
            service = cpu_seconds(uvicorn) - before
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
    ok = max(result["ok"], 1)
    lat = result["latency_us"]
    print(
        f"load: {args.workers} worker(s), {args.connections} connections, {args.duration} s: "
        f"{result['rps']:.1f} req/s, {result['ok']} ok, {result['failed']} failed; "
        f"p50 {lat['p50'] / 1000:.1f} ms, p95 {lat['p95'] / 1000:.1f} ms, p99 {lat['p99'] / 1000:.1f} ms; "
        f"CPU per intake: service {service / ok * 1000:.2f} ms, PostgreSQL {pg.seconds / ok * 1000:.2f} ms; "
        f"load average {result['load_average']}"
    )
    if result["failed"]:
        print("sample failure:", result["sample"])


async def prepare(args: argparse.Namespace) -> tuple[str, Path | None, Regions]:
    base, pgdata = server()
    regions = regions_tree()
    url = await seed(base, regions, args.cases, args.reseed)
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
    try:
        count = await conn.fetchval("SELECT count(*) FROM rights_case")
        print(f"database {DB_NAME}: {count:,} cases")
    finally:
        await conn.close()
    return url, pgdata, regions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=5_000, help="generated cases in the database")
    parser.add_argument("--reseed", action="store_true", help="generate the database again")
    parser.add_argument("--requests", type=int, default=300, help="intakes profiled in-process")
    parser.add_argument("--top", type=int, default=40, help="rows of each profile table")
    parser.add_argument("--no-timed", action="store_true", help="skip the in-process rounds without the profiler")
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--no-load", action="store_true")
    parser.add_argument("--bodies", type=int, default=4_000, help="distinct intake bodies (victims) per run")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--duration", type=int, default=15)
    args = parser.parse_args()
    url, pgdata, regions = asyncio.run(prepare(args))
    private_pem, public_pem = key_pair()
    tokens = operator_tokens(regions, private_pem)
    # Fresh victims every run (the bench's fixed 400 bodies, replayed run after run, make every intake a duplicate
    # of dozens of earlier ones, and the linking grows with each run): one body per expected request.
    bodies = intake_bodies(regions, n=args.bodies, seed=time.time_ns())
    settings = Settings(database_url=url, jwt_public_key=public_pem, data_dir=DATA / "cases")
    if not args.no_timed:
        asyncio.run(timed(settings, tokens, bodies, args.requests, pgdata))
    if not args.no_profile:
        asyncio.run(profile(settings, tokens, bodies, args.requests, pgdata, args.top))
    if not args.no_load:
        load_run(url, public_pem, tokens, bodies, args, pgdata)


if __name__ == "__main__":
    main()

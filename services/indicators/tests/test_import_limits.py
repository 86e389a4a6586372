"""Hostile imports against the service as a real server: a small file that expands to millions of rows is refused
within seconds, while the same process keeps answering `/health` and its memory stays near where it started.

Issue 12.1: a 1.1 MB XLSX of 2,000,000 rows held the service for ~190 s and took it to ~1 GB; a CSV of 1.7 M tiny
rows for 9 s. The server runs as its own process here, so its event loop and its peak memory (VmHWM) are its own.
"""

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from indicators_factories import STATS, folic_catalogue

from halfsky_common.testing import LiveService, inline_row, live_service, shared_key_pair, xlsx_file

HEADER = inline_row(1, "element", "org", "period", "value")
MB = 1024 * 1024


@pytest.fixture
def live(db_url: str, tmp_path: Path) -> Iterator[LiveService]:
    env = {"INDICATORS_DATABASE_URL": db_url, "INDICATORS_JWT_PUBLIC_KEY": shared_key_pair()[1]}
    with live_service("halfsky_indicators.main:create_app", env, log=tmp_path / "indicators.log") as service:
        yield service


async def upload_while_probing(service: LiveService, name: str, content: bytes) -> tuple[httpx.Response, list[float]]:
    """Upload a file (dry run) while `/health` is asked again and again; the answer and each probe's duration."""
    done = asyncio.Event()
    probes: list[float] = []

    async def probe(client: httpx.AsyncClient) -> None:
        while not done.is_set():
            started = time.monotonic()
            r = await client.get("/health")
            probes.append(time.monotonic() - started)
            assert r.status_code == 200
            await asyncio.sleep(0.05)

    async with (
        httpx.AsyncClient(base_url=service.url, timeout=30) as uploader,
        httpx.AsyncClient(base_url=service.url, timeout=5) as prober,
    ):
        task = asyncio.create_task(probe(prober))
        try:
            r = await uploader.post(
                "/indicators/import", files={"file": (name, content)}, params={"dry_run": "true"}, headers=STATS
            )
        finally:
            done.set()
            await task  # a probe that timed out fails the test here
    return r, probes


def assert_bounded(service: LiveService, started: float, probes: list[float], peak_before: int) -> None:
    assert time.monotonic() - started < 15  # refused within seconds, not minutes
    assert probes and max(probes) < 2.0, probes  # /health kept answering throughout
    assert service.peak_rss_bytes() - peak_before < 300 * MB  # not the ~900 MB the whole file took in memory


async def test_two_million_rows_in_a_small_xlsx_stop_at_the_first_row_past_the_limit(live: LiveService) -> None:
    # 128 KB on the wire, 52 MB of sheet XML (under the uncompressed limit), 2,000,000 rows, a lying <dimension>
    bomb = xlsx_file([HEADER, *(b"<row><c><v>1</v></c></row>" for _ in range(2_000_000))])
    assert len(bomb) < 2 * MB
    peak, started = live.peak_rss_bytes(), time.monotonic()
    r, probes = await upload_while_probing(live, "bomb.xlsx", bomb)
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "too_many_rows" and r.json()["errors"][0]["field"] == "file"
    assert "100,000" in r.json()["detail"] and "row 100,002" in r.json()["detail"]
    assert_bounded(live, started, probes, peak)


async def test_an_xlsx_expanding_past_the_uncompressed_limit_is_refused_before_parsing(live: LiveService) -> None:
    bomb = xlsx_file([HEADER, *(b"<row><c><v>1</v></c><c><v>2</v></c></row>" for _ in range(2_000_000))])
    peak, started = live.peak_rss_bytes(), time.monotonic()
    r, probes = await upload_while_probing(live, "bomb.xlsx", bomb)
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "workbook_too_large"
    assert_bounded(live, started, probes, peak)


async def test_a_csv_of_tiny_rows_just_under_the_upload_limit_is_refused_quickly(
    live: LiveService, client: httpx.AsyncClient
) -> None:
    bomb = b"element,org,period,value\n" + b"a,b,c,d\n" * ((10 * MB - 100) // 8)  # 1.3 M rows, just under 10 MB
    peak, started = live.peak_rss_bytes(), time.monotonic()
    r, probes = await upload_while_probing(live, "bomb.csv", bomb)
    assert r.status_code == 413, r.text
    assert r.json()["code"] == "too_many_rows"
    assert_bounded(live, started, probes, peak)
    # and the same process still imports an ordinary file
    await folic_catalogue(client)
    good = b"element,org,period,value\nfolic_due,440106001,2010,10000\nfolic_takers,440106001,2010,9000\n"
    async with httpx.AsyncClient(base_url=live.url, timeout=30) as c:
        ok = await c.post("/indicators/import", files={"file": ("v.csv", good)}, headers=STATS)
    assert ok.status_code == 200 and ok.json()["created"] == 2, ok.text

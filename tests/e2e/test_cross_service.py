"""Across services, through the gateway: cases taken in show up, via the indicator service's pull, as indicator
figures that equal the cases service's own feed, for both analytics engines."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import httpx

from halfsky_gateway.stack import Stack

PASSWORD = "Demo-2026-halfsky"
TIANHE = "/44/4401/440106/"


def headers_for(stack: Stack, username: str) -> dict[str, str]:
    r = httpx.post(f"{stack.base_url}/api/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_cases_feed_the_indicator_figures(stack: Stack) -> None:
    base = stack.base_url
    hotline = headers_for(stack, "th_hotline")
    for i, category in enumerate(["domestic_violence", "domestic_violence", "marriage_family"]):
        r = httpx.post(
            f"{base}/api/cases",
            json={
                "channel": "hotline",
                "summary": f"12338来电 {i}",
                "primary_category": category,
                "victim": {"name": f"来电人{i}", "sex": "female", "age": 30 + i},
            },
            headers=hotline,
        )
        assert r.status_code == 201, r.text
    month = datetime.now(ZoneInfo("Asia/Shanghai")).strftime("%Y%m")
    stats = headers_for(stack, "th_stats")

    pulled = httpx.post(
        f"{base}/api/indicators/pulls", json={"source": "cases", "period": month}, headers=stats, timeout=60
    )
    assert pulled.status_code == 200, pulled.text

    feed = httpx.get(f"{base}/api/cases/stats/feed", params={"period": month}, headers=stats).json()["rows"]

    def fed(measure: str) -> int:
        return sum(r["value"] for r in feed if r["measure"] == measure and r["org_path"].startswith(TIANHE))

    assert fed("cases_received") >= 3 and fed("cases_dv_received") >= 2
    for engine in ("raw", "table"):
        table = httpx.get(
            f"{base}/api/indicators/analytics",
            params={"indicators": "FW-DV", "orgs": TIANHE, "periods": month, "engine": engine},
            headers=stats,
        )
        assert table.status_code == 200, table.text
        (row,) = table.json()["rows"]
        assert Decimal(row["numerator"]) == fed("cases_dv_received")
        assert Decimal(row["denominator"]) == fed("cases_received")

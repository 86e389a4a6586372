"""With INDICATORS_ANALYTICS_DATABASE_URL set, the analytics and early-warning reads go to that database (a
replica in production) while entry and every other read stay on the primary."""

from pathlib import Path
from typing import Any

import httpx
from indicators_factories import ADMIN, GZ_LEADER, folic_catalogue

from halfsky_common.db import make_engine
from halfsky_common.migrations import upgrade_async
from halfsky_common.testing import fresh_database, running, shared_key_pair
from halfsky_indicators.config import Settings
from halfsky_indicators.main import create_app

SERVICE_DIR = Path(__file__).resolve().parents[1]
FORM = "/indicators/forms/folic/440106001/2010"
ANALYTICS = {"indicators": "H-FOLIC", "orgs": "4401", "periods": "2010", "engine": "raw"}


async def enter(client: httpx.AsyncClient, takers: int, due: int) -> None:
    await folic_catalogue(client)
    body = {"values": [{"element": "folic_takers", "value": takers}, {"element": "folic_due", "value": due}]}
    assert (await client.put(FORM, json=body, headers=ADMIN)).status_code == 200


async def rate(client: httpx.AsyncClient) -> Any:
    r = await client.get("/indicators/analytics", params=ANALYTICS, headers=GZ_LEADER)
    assert r.status_code == 200, r.text
    return r.json()["rows"][0]["value"]


async def test_analytics_read_the_replica_and_entry_the_primary(db_url: str) -> None:
    replica_url = await fresh_database("indicators_replica")
    engine = make_engine(replica_url)
    await upgrade_async(SERVICE_DIR, engine)
    await engine.dispose()
    public_key = shared_key_pair()[1]
    # the "replica" holds 9,000 of 10,000; the primary 5,000 of 10,000
    async with running(create_app(Settings(database_url=replica_url, jwt_public_key=public_key))) as replica:
        await enter(replica, 9000, 10000)
    primary_only = create_app(Settings(database_url=db_url, jwt_public_key=public_key))
    split = create_app(Settings(database_url=db_url, analytics_database_url=replica_url, jwt_public_key=public_key))
    async with running(split) as c, running(primary_only) as p:
        await enter(c, 5000, 10000)
        assert await rate(c) == "90.00"  # from the replica
        assert await rate(p) == "50.00"  # the same question without a replica
        form = (await c.get(FORM, headers=ADMIN)).json()
        assert sorted(float(v["value"]) for v in form["values"]) == [5000, 10000]  # entry reads the primary
        warnings = await c.get("/indicators/early-warnings", params={"period": "2010"}, headers=GZ_LEADER)
        assert warnings.status_code == 200, warnings.text

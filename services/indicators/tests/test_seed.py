"""The programme catalogue from the domain notes and the demo data load, pass every check and add up."""

from typing import Any

import httpx
from indicators_factories import GZ_LEADER, TH_LEADER

from halfsky_indicators.seed.demo import demo_values
from halfsky_indicators.seed.loader import SEEDER, seed_catalogue


async def load(app: Any) -> dict[str, Any]:
    async with app.state.sessionmaker() as session:
        first = await seed_catalogue(session)
        again = await seed_catalogue(session)
        demo = await demo_values(session, SEEDER)
        await session.commit()
    return {"first": first, "again": again, "demo": demo}


async def test_the_catalogue_holds_the_programme_indicators_with_official_targets(
    client: httpx.AsyncClient, app: Any
) -> None:
    loaded = await load(app)
    assert loaded["first"]["indicators"] >= 30 and loaded["first"]["plans"] == 8
    assert set(loaded["again"].values()) == {0}
    mmr = (await client.get("/indicators/W-H-MMR", headers=GZ_LEADER)).json()
    assert (mmr["unit"], mmr["comparator"], mmr["direction"], mmr["factor"]) == (
        "per_100k",
        "le",
        "lower_better",
        "100000.000000",
    )
    assert [(t["year"], t["value"]) for t in mmr["targets"]] == [(2030, "12.000000")]
    defect = (await client.get("/indicators/M-DEFECT", headers=GZ_LEADER)).json()
    assert (defect["numerator"], defect["denominator"], defect["unit"]) == (
        "#{birth_defects}",
        "#{perinatal_births}",
        "per_mille",
    )
    elements = await client.get(
        "/indicators/data-elements", params={"source": "cases", "limit": 200}, headers=GZ_LEADER
    )
    assert len(elements.json()["items"]) == 11  # every cases measure of the stats contract


async def test_the_demo_data_adds_up_and_shows_every_state(client: httpx.AsyncClient, app: Any) -> None:
    loaded = await load(app)
    assert loaded["demo"]["values"] > 1000
    rows = (
        await client.get(
            "/indicators/analytics",
            params={
                "indicators": "M-HOSPITAL,C-H-IMR,S-VILLAGE",
                "orgs": "4401",
                "periods": "2025",
                "level": "county",
            },
            headers=GZ_LEADER,
        )
    ).json()["rows"]
    names = {r["org_code"]: r["org_name"] for r in rows}
    assert names == {"440104": "越秀区", "440106": "天河区"}
    villages = [r for r in rows if r["indicator"] == "S-VILLAGE"]
    assert {r["reason"] for r in villages} == {"denominator is zero"}  # city streets have no villages
    figures = await client.get("/indicators/reported-figures", params={"mismatch": "true"}, headers=GZ_LEADER)
    assert [(f["indicator"], f["period"], f["computed_value"]) for f in figures.json()["items"]] == [
        ("F-INTAKE", "2010", "89.81"),
    ]
    done = (
        await client.get(
            "/indicators/completeness",
            params={"data_set": "mch_annual", "period": "2025", "org": "440106"},
            headers=TH_LEADER,
        )
    ).json()
    statuses = {u["status"] for u in done["units"]}
    assert done["total"]["expected"] == 21 and statuses == {"draft", "submitted", "returned", "approved"}
    culture = (
        await client.get(
            "/indicators/analytics",
            params={"indicators": "V-CULTURE", "orgs": "440106001", "periods": "2025"},
            headers=TH_LEADER,
        )
    ).json()
    assert culture["rows"][0]["denominator"] == "8"

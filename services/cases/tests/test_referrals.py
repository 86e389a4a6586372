"""Partner registry and referrals: a partner sees and updates only its own referrals with its client token."""

import asyncio
from typing import Any

import httpx
from cases_factories import GUANGZHOU, TIANHE, TIANHE_STREET, YUEXIU, if_match, new_case, partner, user

WORKER = user(["case_worker"])
LEADER = user(["leader"])
LEGAL_AID = partner("cases:referrals", TIANHE, client_id="th-legal-aid", agency="legal_aid")
SHELTER = partner("cases:referrals", TIANHE, client_id="th-shelter", agency="shelter")


async def register(client: httpx.AsyncClient, headers: dict[str, str] = LEADER, **body: Any) -> dict[str, Any]:
    r = await client.post("/cases/partners", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_registry_of_partners_and_service_points_per_region(client: httpx.AsyncClient) -> None:
    police = await register(client, org_path=TIANHE, name="天河区公安分局家庭暴力报警点", agency="police")
    await register(client, user(["leader"], YUEXIU), org_path=YUEXIU, name="越秀区法律援助处", agency="legal_aid")
    city = await client.post(
        "/cases/partners", json={"org_path": GUANGZHOU, "name": "市救助站", "agency": "shelter"}, headers=LEADER
    )
    assert city.status_code == 422  # above the leader's own unit
    assert (
        await client.post("/cases/partners", json={"org_path": TIANHE, "name": "x", "agency": "police"}, headers=WORKER)
    ).status_code == 403
    points = [
        ("dv_report_point", "天河区家庭暴力报警点", police["id"]),
        ("injury_assessment_centre", "天河区暴力伤情鉴定中心", police["id"]),
        ("shelter", "天河区家暴庇护中心", None),
        ("court_panel", "天河区法院维权合议庭", None),
        ("consultation_station", "天河区妇女维权咨询站", None),
        ("legal_aid_station", "林和街道妇女援助站", None),
    ]
    for kind, name, partner_id in points:
        r = await client.post(
            "/cases/service-points",
            json={"org_path": TIANHE, "name": name, "kind": kind, "partner_id": partner_id, "established_year": 2013},
            headers=LEADER,
        )
        assert r.status_code == 201, r.text
    street = user(["case_worker"], TIANHE_STREET)
    assert len((await client.get("/cases/service-points", headers=street)).json()) == 6  # the county's, seen below
    assert [p["name"] for p in (await client.get("/cases/partners", headers=street)).json()] == [police["name"]]
    shelters = (await client.get("/cases/service-points", params={"kind": "shelter"}, headers=WORKER)).json()
    assert [p["name"] for p in shelters] == ["天河区家暴庇护中心"]
    assert (await client.get("/cases/service-points", headers=user(["case_worker"], YUEXIU))).json() == []


async def test_partner_sees_and_moves_only_its_own_referrals(client: httpx.AsyncClient) -> None:
    aid = await register(
        client, org_path=TIANHE, name="天河区法律援助中心", agency="legal_aid", client_id="th-legal-aid"
    )
    shelter = await register(
        client, org_path=TIANHE, name="天河区妇女儿童庇护中心", agency="shelter", client_id="th-shelter"
    )
    case = await new_case(client, WORKER)
    r = await client.post(
        f"/cases/{case['id']}/referrals",
        json={"partner_id": aid["id"], "service": "legal_aid", "note": "申请离婚诉讼法律援助"},
        headers=WORKER,
    )
    assert r.status_code == 201, r.text
    to_aid = r.json()
    to_shelter = (
        await client.post(
            f"/cases/{case['id']}/referrals", json={"partner_id": shelter["id"], "service": "shelter"}, headers=WORKER
        )
    ).json()
    mine = (await client.get("/cases/referrals", headers=LEGAL_AID)).json()["items"]
    assert [x["id"] for x in mine] == [to_aid["id"]]
    assert mine[0]["case_number"] == case["number"] and "****" in mine[0]["victim_phone"]
    assert (await client.get(f"/cases/referrals/{to_shelter['id']}", headers=LEGAL_AID)).status_code == 404
    url = f"/cases/referrals/{to_aid['id']}/transitions"
    other = await client.post(
        f"/cases/referrals/{to_shelter['id']}/transitions", json={"to": "accepted"}, headers=if_match(LEGAL_AID, 1)
    )
    assert other.status_code == 404
    assert (
        await client.post(url, json={"to": "completed", "note": "x"}, headers=if_match(LEGAL_AID, 1))
    ).status_code == 409
    accepted = await client.post(url, json={"to": "accepted", "note": "已指派律师"}, headers=if_match(LEGAL_AID, 1))
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert (
        await client.post(url, json={"to": "completed", "note": "x"}, headers=if_match(LEGAL_AID, 1))
    ).status_code == 412
    no_outcome = await client.post(url, json={"to": "completed"}, headers=if_match(LEGAL_AID, 2))
    assert no_outcome.status_code == 422
    done = await client.post(url, json={"to": "completed", "note": "法院准予离婚"}, headers=if_match(LEGAL_AID, 2))
    assert done.json()["status"] == "completed" and done.json()["outcome"] == "法院准予离婚"
    events = [e["kind"] for e in (await client.get(f"/cases/{case['id']}/timeline", headers=WORKER)).json()]
    assert events.count("referral_sent") == 2 and "referral_completed" in events
    declined = await client.post(
        f"/cases/referrals/{to_shelter['id']}/transitions", json={"to": "declined"}, headers=if_match(SHELTER, 1)
    )
    assert declined.status_code == 422
    assert (
        await client.get("/cases/referrals", headers=partner("cases:intake", client_id="th-shelter"))
    ).status_code == 403
    assert (await client.get(f"/cases/{case['id']}/referrals", headers=LEGAL_AID)).status_code == 403
    assert len((await client.get(f"/cases/{case['id']}/referrals", headers=WORKER)).json()) == 2
    assert (await client.get("/cases/referrals", headers=user(["case_worker"], YUEXIU))).json()["items"] == []
    region = (await client.get("/cases/referrals", params={"limit": 1}, headers=WORKER)).json()
    assert len(region["items"]) == 1 and region["has_more"] is True
    rest = (
        await client.get("/cases/referrals", params={"limit": 1, "cursor": region["next_cursor"]}, headers=WORKER)
    ).json()
    assert {region["items"][0]["id"], rest["items"][0]["id"]} == {to_aid["id"], to_shelter["id"]}


async def test_referral_to_a_partner_outside_the_region_is_refused(client: httpx.AsyncClient) -> None:
    far = await client.post(
        "/cases/partners",
        json={"org_path": YUEXIU, "name": "越秀区法律援助处", "agency": "legal_aid"},
        headers=user(["leader"], YUEXIU),
    )
    case = await new_case(client, WORKER)
    r = await client.post(
        f"/cases/{case['id']}/referrals", json={"partner_id": far.json()["id"], "service": "legal_aid"}, headers=WORKER
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "partner_id"


async def test_partners_without_a_client_and_racing_duplicates_are_not_server_errors(client: httpx.AsyncClient) -> None:
    for name in ("天河区救助站", "天河区妇女儿童医院"):
        body = {"org_path": TIANHE, "name": name, "agency": "shelter", "client_id": ""}
        r = await client.post("/cases/partners", json=body, headers=LEADER)
        assert r.status_code == 201 and r.json()["client_id"] is None, r.text
    same = {"org_path": TIANHE, "name": "天河区公安分局", "agency": "police", "client_id": "hs_police_th"}
    codes = sorted(
        r.status_code
        for r in await asyncio.gather(*(client.post("/cases/partners", json=same, headers=LEADER) for _ in range(4)))
    )
    assert codes[0] == 201 and set(codes[1:]) == {409}, codes

"""A possible duplicate in another district stays unseen: not in the timeline, the detail, the list, errors or work.

荔湾区's worker registers a victim whose phone 天河区 already has. The link is stored (a 广州市 supervisor, who sees
both districts, must see and judge it), but nothing of the 天河区 case may reach the 荔湾区 worker, and judging the
link needs both cases visible, with the same refusal for a real 天河区 id as for an id that exists nowhere.
"""

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from cases_factories import GUANGZHOU, TIANHE, case_payload, user
from fastapi import FastAPI
from sqlalchemy import event

LIWAN = "/44/4401/440103/"
PHONE = "13922223333"
TIANHE_WORKER = user(["case_worker"], TIANHE, name="李晓红")
LIWAN_WORKER = user(["case_worker"], LIWAN, name="黄敏")
CITY_LEADER = user(["leader"], GUANGZHOU, name="陈秀英")


async def register(client: httpx.AsyncClient, headers: dict[str, str], name: str, phone: str) -> dict[str, Any]:
    body = case_payload()
    # Only the phone matches: another name and no birth date or ID number to match on.
    body["victim"] = {"name": name, "sex": "female", "phone": phone}
    r = await client.post("/cases", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def two_districts(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    """A 天河区 case, then a 荔湾区 case whose victim has the same phone."""
    tianhe = await register(client, TIANHE_WORKER, "王芳", PHONE)
    liwan = await register(client, LIWAN_WORKER, "王小燕", PHONE)
    return tianhe, liwan


def no_trace_of(case: dict[str, Any], text: str) -> bool:
    return case["id"] not in text and case["number"] not in text


@contextmanager
def statements(app: FastAPI) -> Iterator[list[str]]:
    """The SQL statements the service runs meanwhile: the same work is the same statements."""
    seen: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(statement)

    engine = app.state.engine.sync_engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


async def test_a_district_worker_is_told_nothing_of_a_match_in_another_district(client: httpx.AsyncClient) -> None:
    tianhe, liwan = await two_districts(client)
    # The intake's own answer, the detail, the timeline and the list.
    assert liwan["possible_duplicates"] == []
    detail = await client.get(f"/cases/{liwan['id']}", headers=LIWAN_WORKER)
    assert detail.json()["possible_duplicates"] == [] and no_trace_of(tianhe, detail.text)
    timeline = await client.get(f"/cases/{liwan['id']}/timeline", headers=LIWAN_WORKER)
    assert [e["kind"] for e in timeline.json()] == ["created"]
    assert no_trace_of(tianhe, timeline.text)
    listed = await client.get("/cases", params={"total": "true"}, headers=LIWAN_WORKER)
    assert listed.json()["total"] == 1 and no_trace_of(tianhe, listed.text)
    # Nor the other way round: 天河区 is not told about the 荔湾区 case.
    there = await client.get(f"/cases/{tianhe['id']}", headers=TIANHE_WORKER)
    assert there.json()["possible_duplicates"] == [] and no_trace_of(liwan, there.text)
    there_timeline = await client.get(f"/cases/{tianhe['id']}/timeline", headers=TIANHE_WORKER)
    assert no_trace_of(liwan, there_timeline.text)

    # The 广州市 supervisor, above both districts, sees the match from either side and in the timeline.
    city = (await client.get(f"/cases/{liwan['id']}", headers=CITY_LEADER)).json()
    assert [(d["case_id"], d["number"], d["reasons"]) for d in city["possible_duplicates"]] == [
        (tianhe["id"], tianhe["number"], ["phone"])
    ]
    city_other = (await client.get(f"/cases/{tianhe['id']}", headers=CITY_LEADER)).json()
    assert [d["case_id"] for d in city_other["possible_duplicates"]] == [liwan["id"]]
    city_timeline = (await client.get(f"/cases/{liwan['id']}/timeline", headers=CITY_LEADER)).json()
    linked = [e for e in city_timeline if e["kind"] == "duplicates_linked"]
    assert len(linked) == 1
    assert linked[0]["detail"]["cases"] == [tianhe["id"]] and tianhe["number"] in linked[0]["summary"]


async def test_a_timeline_names_only_the_linked_cases_the_reader_may_see(client: httpx.AsyncClient) -> None:
    """One intake matching a case in her own district and one in another: the event keeps only hers."""
    tianhe = await register(client, TIANHE_WORKER, "王芳", PHONE)
    own = await register(client, LIWAN_WORKER, "王小燕", PHONE)
    third = await register(client, LIWAN_WORKER, "王燕", PHONE)
    assert [d["number"] for d in third["possible_duplicates"]] == [own["number"]]
    timeline = (await client.get(f"/cases/{third['id']}/timeline", headers=LIWAN_WORKER)).json()
    (linked,) = [e for e in timeline if e["kind"] == "duplicates_linked"]
    assert linked["detail"]["cases"] == [own["id"]]
    assert linked["summary"] == f"可能重复: {own['number']}"
    city = (await client.get(f"/cases/{third['id']}/timeline", headers=CITY_LEADER)).json()
    (seen,) = [e for e in city if e["kind"] == "duplicates_linked"]
    assert set(seen["detail"]["cases"]) == {own["id"], tianhe["id"]}
    assert tianhe["number"] in seen["summary"] and own["number"] in seen["summary"]


async def test_judging_a_link_needs_both_cases_visible_and_refuses_a_real_id_like_a_random_one(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    tianhe, liwan = await two_districts(client)
    judge = {"status": "duplicate"}

    async def put(who: dict[str, str], case_id: str, other_id: str) -> tuple[httpx.Response, list[str]]:
        with statements(app) as seen:
            r = await client.put(f"/cases/{case_id}/duplicates/{other_id}", json=judge, headers=who)
        return r, seen

    real, real_work = await put(LIWAN_WORKER, liwan["id"], tianhe["id"])
    random, random_work = await put(LIWAN_WORKER, liwan["id"], str(uuid.uuid4()))
    assert real.status_code == random.status_code == 404

    def body(r: httpx.Response) -> dict[str, Any]:
        return {k: v for k, v in r.json().items() if k != "instance"}  # the instance is the path she asked

    assert body(real) == body(random) and tianhe["number"] not in real.text
    assert real.headers["content-type"] == random.headers["content-type"] == "application/problem+json"
    # The same statements either way: nothing is loaded and then checked, so no timing to tell them apart.
    assert real_work == random_work
    # From the other side too: her case as the other one is refused like any unseen case.
    assert (await put(TIANHE_WORKER, tianhe["id"], liwan["id"]))[0].status_code == 404
    # Nothing changed: the link is still undecided and no judgement is on either timeline.
    city = (await client.get(f"/cases/{liwan['id']}", headers=CITY_LEADER)).json()
    assert [d["link_status"] for d in city["possible_duplicates"]] == ["possible"]
    city_timeline = (await client.get(f"/cases/{liwan['id']}/timeline", headers=CITY_LEADER)).json()
    assert "duplicate_decided" not in {e["kind"] for e in city_timeline}

    # The 广州市 supervisor sees both and judges; the judgement shows in both directions, to her only.
    decided, _ = await put(CITY_LEADER, liwan["id"], tianhe["id"])
    assert decided.status_code == 204, decided.text
    for case_id in (liwan["id"], tianhe["id"]):
        shown = (await client.get(f"/cases/{case_id}", headers=CITY_LEADER)).json()
        assert [d["link_status"] for d in shown["possible_duplicates"]] == ["duplicate"]
    city_timeline = (await client.get(f"/cases/{liwan['id']}/timeline", headers=CITY_LEADER)).json()
    assert [e["detail"]["other_case_id"] for e in city_timeline if e["kind"] == "duplicate_decided"] == [tianhe["id"]]
    mine = await client.get(f"/cases/{liwan['id']}/timeline", headers=LIWAN_WORKER)
    assert [e["kind"] for e in mine.json()] == ["created"] and no_trace_of(tianhe, mine.text)
    detail = await client.get(f"/cases/{liwan['id']}", headers=LIWAN_WORKER)
    assert detail.json()["possible_duplicates"] == [] and no_trace_of(tianhe, detail.text)


async def test_reading_a_case_with_an_unseen_match_is_the_same_work_as_one_without(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """Her detail and timeline run the same statements whether or not another district holds a match."""
    await two_districts(client)
    liwan_cases = (await client.get("/cases", headers=LIWAN_WORKER)).json()["items"]
    matched = liwan_cases[0]
    alone = await register(client, LIWAN_WORKER, "陈丽", "13700001111")
    for path in ("", "/timeline"):
        with statements(app) as with_match:
            first = await client.get(f"/cases/{matched['id']}{path}", headers=LIWAN_WORKER)
        with statements(app) as without:
            second = await client.get(f"/cases/{alone['id']}{path}", headers=LIWAN_WORKER)
        assert first.status_code == second.status_code == 200
        assert with_match == without, path

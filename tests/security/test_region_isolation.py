"""No region sees another's records: not in details, writes, lists, counts, search, statistics, feeds or exports.

The numbers are checked, not only the status codes: what a 荔湾区 user is told equals what the city leader is told
about 荔湾区, and none of the 天河区 records the world made appear in it.
"""

import csv
import io
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from security_world import LIWAN, TIANHE, Caller, World, case_body, project_body

YEAR = str(datetime.now(ZoneInfo("Asia/Shanghai")).year)


def every_item(world: World, who: str, path: str, **params: Any) -> list[dict[str, Any]]:
    """All pages of a keyset-paginated list."""
    items: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {**params, "limit": 200, **({"cursor": cursor} if cursor else {})}
        page = world.call(who, "GET", path, params=query, expect=200).json()
        items += page["items"]
        cursor = page.get("next_cursor")
        if not page.get("has_more") or not cursor:
            return items


def under(items: list[dict[str, Any]], prefix: str, key: str = "org_path") -> bool:
    return all(str(i[key]).startswith(prefix) for i in items)


# -- details and writes --------------------------------------------------------------------------------------------


def test_the_other_region_gets_404_on_every_detail_of_a_tianhe_record(world: World) -> None:
    ids = world.ids
    paths = [
        f"/api/cases/{ids['case_id']}",
        f"/api/cases/{ids['case_id']}?reveal=true&reason=核实身份",
        f"/api/cases/{ids['case_id']}/timeline",
        f"/api/cases/{ids['case_id']}/attachments/{ids['cases:attachment_id']}/content",
        f"/api/cases/persons/{ids['person_id']}",
        f"/api/cases/referrals/{ids['referral_id']}",
    ]
    for path in paths:
        r = world.call("other_region", "GET", path)
        assert r.status_code == 404, (path, r.status_code, r.text[:200])
        assert "王芳" not in r.text and ids["case_number"] not in r.text
    pid = ids["project_id"]
    for path in (
        f"/api/projects/{pid}",
        f"/api/projects/{pid}/beneficiaries/{ids['beneficiary_id']}",
        f"/api/projects/{pid}/attachments/{ids['projects:attachment_id']}",
        f"/api/projects/{pid}/loans/{ids['loan_id']}",
    ):
        assert world.call("lw_projects", "GET", path).status_code == 404, path
    assert world.call("lw_leader", "GET", f"/api/users/{ids['user_id']}").status_code == 404


def test_the_other_region_cannot_write_to_a_tianhe_record(world: World) -> None:
    """Valid bodies, so only the region check can stop them; the record is unchanged afterwards."""
    case = f"/api/cases/{world.ids['case_id']}"
    before = world.call("case_worker", "GET", case, expect=200)
    etag = {"If-Match": before.headers["ETag"]}
    attempts = [
        ("PATCH", case, {"json": {"summary": "越权修改"}, "headers": etag}),
        ("POST", f"{case}/transitions", {"json": {"to": "declined", "reason": "越权"}, "headers": etag}),
        ("POST", f"{case}/actions", {"json": {"kind": "note", "summary": "越权记录"}}),
        ("POST", f"{case}/referrals", {"json": {"partner_id": world.ids["partner_id"], "service": "police"}}),
        ("POST", f"{case}/transfers", {"json": {"to_org_path": LIWAN, "reason": "越权转办"}}),
        ("PATCH", f"/api/cases/persons/{world.ids['person_id']}", {"json": {"name": "改名"}, "headers": etag}),
        ("POST", f"{case}/attachments", {"files": {"file": ("a.png", b"\x89PNG\r\n\x1a\n" + b"0" * 10, "image/png")}}),
    ]
    for method, path, kwargs in attempts:
        r = world.call("other_region", method, path, **kwargs)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:200])
    after = world.call("case_worker", "GET", case, expect=200)
    assert after.headers["ETag"] == before.headers["ETag"]
    assert after.json()["summary"] == before.json()["summary"]
    project = f"/api/projects/{world.ids['project_id']}"
    pm_etag = {"If-Match": world.call("project_manager", "GET", project, expect=200).headers["ETag"]}
    for method, path, kwargs in [
        ("PATCH", project, {"json": {"name": "越权修改"}, "headers": pm_etag}),
        ("POST", f"{project}/beneficiaries", {"json": {"name": "王芳", "registered_on": f"{YEAR}-03-01"}}),
        ("POST", f"{project}/actions/suspend", {"json": {"reason": "越权"}, "headers": pm_etag}),
    ]:
        r = world.call("lw_projects", method, path, **kwargs)
        assert r.status_code == 404, (method, path, r.status_code, r.text[:200])


# -- lists, counts, search, statistics, feeds, exports -------------------------------------------------------------


def test_case_lists_counts_and_search_hold_only_the_callers_region(world: World) -> None:
    mine = every_item(world, "other_region", "/api/cases")
    assert mine and under(mine, LIWAN)
    assert world.ids["case_id"] not in {c["id"] for c in mine}
    total = world.call("other_region", "GET", "/api/cases", params={"total": "true"}, expect=200).json()["total"]
    city = every_item(world, "city_leader", "/api/cases", org_path=LIWAN)
    assert total == len(mine) == len(city)
    assert {c["id"] for c in mine} == {c["id"] for c in city}
    # The 天河区 victim's name finds her cases in 天河区 and nothing in 荔湾区.
    assert every_item(world, "case_worker", "/api/cases", q="王芳")
    assert every_item(world, "other_region", "/api/cases", q="王芳") == []
    # Asking for the other region by filter gives nothing of it.
    r = world.call("other_region", "GET", "/api/cases", params={"org_path": TIANHE})
    assert r.status_code in (200, 403, 422)
    assert r.status_code != 200 or r.json()["items"] == []
    # A hotline operator sees only the cases she took in, even inside her own region.
    taken = every_item(world, "hotline_operator", "/api/cases")
    assert taken and all(c["id"] != world.ids["case_id"] for c in taken)


def test_case_statistics_and_feed_count_only_the_callers_region(world: World) -> None:
    period = {"period": YEAR}
    own = world.call("other_region", "GET", "/api/cases/stats", params=period, expect=200).json()
    city = world.call("city_leader", "GET", "/api/cases/stats", params={**period, "org_path": LIWAN}, expect=200)
    assert own["received"] == city.json()["received"]
    assert own["received"]["cases"] >= 3  # the world registered three 荔湾区 cases
    assert under(own["by_org"], LIWAN)
    refused = world.call("other_region", "GET", "/api/cases/stats", params={**period, "org_path": TIANHE})
    assert refused.status_code in (403, 404, 422)
    feed = world.call("lw_stats", "GET", "/api/cases/stats/feed", params=period, expect=200).json()["rows"]
    assert feed and under(feed, LIWAN)
    city_feed = world.call("city_leader", "GET", "/api/cases/stats/feed", params=period, expect=200).json()["rows"]
    assert sorted(map(str, feed)) == sorted(str(r) for r in city_feed if r["org_path"].startswith(LIWAN))


def test_case_export_holds_only_the_callers_region(world: World) -> None:
    r = world.call("other_region", "GET", "/api/cases/export", params={"format": "csv"}, expect=200)
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]
    listed = every_item(world, "other_region", "/api/cases")
    assert len(rows) == len(listed) >= 3
    assert {row[0] for row in rows} == {c["number"] for c in listed}
    assert world.ids["case_number"] not in r.text and "王芳" not in r.text


@pytest.mark.parametrize(
    ("who", "path", "params"),
    [
        ("other_region", "/api/cases/transfers", {"direction": "incoming"}),
        ("other_region", "/api/cases/transfers", {"direction": "outgoing"}),
        ("other_region", "/api/cases/supervisions", {}),
        ("other_region", "/api/cases/referrals", {}),
        ("other_region", "/api/cases/legal-measures/expiring", {"within_days": 365}),
        ("lw_auditor", "/api/cases/access-log", {}),
    ],
)
def test_case_side_lists_leak_nothing_of_tianhe(world: World, who: str, path: str, params: dict[str, Any]) -> None:
    r = world.call(who, "GET", path, params=params, expect=200)
    body = r.json()
    items = body["items"] if isinstance(body, dict) else body
    assert world.ids["case_id"] not in r.text and world.ids["case_number"] not in r.text
    assert all(world.ids["case_id"] != i.get("case_id") for i in items)


def test_a_match_in_another_district_reaches_only_the_supervisor_above_both(world: World) -> None:
    """荔湾区 registers a victim with the phone of the 天河区 victim: the link is made, and only 广州市 sees it."""
    tianhe = {world.ids["case_id"], world.ids["other_id"], world.ids["case_number"]}
    body = case_body("黄小玲", 11110001, "荔湾区来电，称曾在别处求助")  # the phone of the world's 天河区 victim
    del body["victim"]["id_number"]  # its number would match 荔湾区's own 荔湾1 too: the phone alone links her
    mine = world.call("other_region", "POST", "/api/cases", json=body, expect=201)
    case = f"/api/cases/{mine.json()['id']}"
    assert mine.json()["possible_duplicates"] == []
    for r in (mine, world.call("other_region", "GET", case, expect=200)):
        assert r.json()["possible_duplicates"] == [] and not any(t in r.text for t in tianhe)
    timeline = world.call("other_region", "GET", f"{case}/timeline", expect=200)
    assert [e["kind"] for e in timeline.json()] == ["created"]
    assert not any(t in timeline.text for t in tianhe)
    # Judging the link from 荔湾区: the real 天河区 id is refused exactly like an id that exists nowhere.
    judge = {"status": "distinct"}
    real = world.call("other_region", "PUT", f"{case}/duplicates/{world.ids['case_id']}", json=judge)
    random = world.call("other_region", "PUT", f"{case}/duplicates/{uuid.uuid4()}", json=judge)
    assert real.status_code == random.status_code == 404, real.text[:200]
    assert {k: v for k, v in real.json().items() if k != "instance"} == {
        k: v for k, v in random.json().items() if k != "instance"
    }
    # The 广州市 leader sees both cases of the 天河区 victim as possible duplicates, and may judge them.
    city = world.call("city_leader", "GET", case, expect=200).json()
    assert {d["case_id"] for d in city["possible_duplicates"]} == {world.ids["case_id"], world.ids["other_id"]}
    city_timeline = world.call("city_leader", "GET", f"{case}/timeline", expect=200).json()
    assert world.ids["case_number"] in next(e["summary"] for e in city_timeline if e["kind"] == "duplicates_linked")
    world.call("city_leader", "PUT", f"{case}/duplicates/{world.ids['case_id']}", json=judge, expect=204)
    after = world.call("other_region", "GET", f"{case}/timeline", expect=200)
    assert [e["kind"] for e in after.json()] == ["created"]


def test_the_access_log_shows_tianhe_reveals_to_tianhe_auditors_only(world: World) -> None:
    mine = every_item(world, "auditor", "/api/cases/access-log")
    assert {e["case_id"] for e in mine} >= {world.ids["case_id"]}
    assert under(mine, TIANHE)
    assert every_item(world, "lw_auditor", "/api/cases/access-log") == []


def test_project_lists_statistics_feed_and_export_hold_only_the_callers_region(world: World) -> None:
    mine = every_item(world, "lw_projects", "/api/projects")
    assert mine and under(mine, LIWAN)
    city = every_item(world, "city_leader", "/api/projects", org_path=LIWAN)
    assert {p["id"] for p in city} == {p["id"] for p in mine}
    export = world.call("lw_projects", "GET", "/api/projects/export", params={"format": "csv"}, expect=200)
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))[1:]
    assert len(rows) == len(mine) and "巾帼创业就业技能培训" not in export.text
    period = {"period": YEAR}
    own = world.call("lw_stats", "GET", "/api/projects/stats", params=period, expect=200).json()
    by_city = world.call("city_leader", "GET", "/api/projects/stats", params={**period, "org_path": LIWAN}, expect=200)
    assert _same_counts(own, by_city.json())
    outside = world.call("lw_stats", "GET", "/api/projects/stats", params={**period, "org_path": TIANHE})
    assert outside.status_code in (403, 404, 422)
    feed = world.call("lw_stats", "GET", "/api/projects/stats/feed", params=period, expect=200).json()["rows"]
    assert under(feed, LIWAN)
    loans = world.call("lw_leader", "GET", "/api/projects/loans", expect=200)
    assert world.ids["loan_id"] not in loans.text


def _same_counts(a: dict[str, Any], b: dict[str, Any]) -> bool:
    drop = {"generated_at"}
    return {k: v for k, v in a.items() if k not in drop} == {k: v for k, v in b.items() if k not in drop}


def test_indicator_values_reports_and_exports_hold_only_the_callers_region(world: World) -> None:
    values = every_item(world, "lw_stats", "/api/indicators/data-values")
    assert under(values, LIWAN)
    reports = every_item(world, "lw_stats", "/api/indicators/reports")
    assert under(reports, LIWAN)
    asked = every_item(world, "lw_stats", "/api/indicators/data-values", org="440106")
    assert asked == []
    export = world.call("lw_stats", "GET", "/api/indicators/export", params={"format": "csv"}, expect=200)
    assert "/44/4401/440106/" not in export.text and ",440106" not in export.text
    code = world.ids["indicators:indicators:code"]
    query = {"indicators": code, "periods": "2024", "orgs": "440106"}
    analytics = world.call("lw_stats", "GET", "/api/indicators/analytics", params=query)
    assert analytics.status_code in (403, 404, 422), analytics.text[:200]
    form = f"/api/indicators/forms/{world.ids['data_set']}/{world.ids['org']}/{world.ids['period']}"
    assert world.call("lw_stats", "GET", form).status_code in (403, 404)


def test_users_of_another_region_are_not_listed(world: World) -> None:
    users = every_item(world, "lw_leader", "/api/users")
    assert users and all(u["org_unit"]["path"].startswith(LIWAN) for u in users)
    assert "th_caseworker" not in {u["username"] for u in users}
    clients = world.call("root", "GET", "/api/clients", expect=200).json()
    assert {c["name"] for c in clients} >= {"天河区公安分局-partner"}


def test_another_partner_cannot_read_or_move_this_partners_referral(world: World) -> None:
    body = {"name": "天河区法律援助中心", "agency": "legal_aid", "scopes": ["cases:referrals"]}
    made = world.call("root", "POST", "/api/clients", json={**body, "org_unit_id": world.ids["tianhe_unit"]})
    other = Caller.from_token("other_partner", world.client_token(made.json()))
    referral = f"/api/cases/referrals/{world.ids['referral_id']}"
    assert world.call(other, "GET", referral).status_code == 404
    assert world.call(other, "POST", f"{referral}/transitions", json={"to": "declined"}).status_code == 404
    listed = world.call(other, "GET", "/api/cases/referrals", expect=200)
    assert world.ids["referral_id"] not in listed.text and world.ids["case_number"] not in listed.text


@pytest.mark.parametrize(
    ("first", "second", "path", "body"),
    [
        ("project_manager", "lw_projects", "/api/projects", project_body("妇女议事会")),
        ("hotline_operator", "lw_hotline", "/api/cases/intake", case_body("赵丽", 88880001, channel="mobile_app")),
    ],
)
def test_an_idempotency_key_belongs_to_its_caller(
    world: World, first: str, second: str, path: str, body: dict[str, Any]
) -> None:
    """The same key from someone else is a new request, never a replay of another region's answer."""
    key = {"Idempotency-Key": f"shared-{uuid.uuid4().hex}"}
    one = world.call(first, "POST", path, json=body, headers=key, expect=201)
    two = world.call(second, "POST", path, json=body, headers=key, expect=201)
    assert two.json()["id"] != one.json()["id"]
    assert "idempotent-replayed" not in two.headers
    again = world.call(first, "POST", path, json=body, headers=key, expect=(200, 201))
    assert again.json()["id"] == one.json()["id"]

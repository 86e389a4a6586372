"""Delivery records: beneficiaries with masked identity, outcomes, activities, training attendance, files."""

import httpx

from halfsky_common.testing import auth, make_token

VALID_ID = "11010519491231002X"  # the worked example of GB 11643


async def _person(client: httpx.AsyncClient, api, pid: str, name: str, **extra) -> dict:
    body = {"name": name, "registered_on": "2026-02-01", "target_group": "农村妇女", **extra}
    r = await client.post(f"/projects/{pid}/beneficiaries", json=body, headers=api.pm)
    assert r.status_code == 201, r.text
    return dict(r.json())


async def test_identity_is_kept_masked(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    person = await _person(client, api, pid, "李晓红", id_number=VALID_ID, phone="13812345678")
    assert person["id_number_masked"] == "1101**********002X"
    assert person["phone_masked"] == "138****5678"
    assert person["name"] == "李晓红"
    seen_by_statistician = (
        await client.get(f"/projects/{pid}/beneficiaries/{person['id']}", headers=api.statistician)
    ).json()
    assert seen_by_statistician["name"] == "李*红"
    again = await client.post(
        f"/projects/{pid}/beneficiaries",
        headers=api.pm,
        json={"name": "李晓红", "registered_on": "2026-03-01", "id_number": VALID_ID},
    )
    assert again.status_code == 409 and again.json()["existing_id"] == person["id"]
    bad = await client.post(
        f"/projects/{pid}/beneficiaries",
        headers=api.pm,
        json={"name": "王芳", "registered_on": "2026-03-01", "id_number": "110105194912310021"},
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "id_number"


async def test_beneficiaries_belong_inside_the_project(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    for body, field in (
        ({"name": "王芳", "registered_on": "2025-12-01"}, "registered_on"),
        ({"name": "王芳", "registered_on": "2026-02-01", "org_path": "/44/4401/440103/"}, "org_path"),
    ):
        r = await client.post(f"/projects/{pid}/beneficiaries", json=body, headers=api.pm)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == field
    draft = (await api.create())["id"]
    r = await client.post(
        f"/projects/{draft}/beneficiaries", json={"name": "王芳", "registered_on": "2026-02-01"}, headers=api.pm
    )
    assert r.status_code == 409
    r = await client.post(
        f"/projects/{pid}/beneficiaries", json={"name": "王芳", "registered_on": "2026-02-01"}, headers=api.statistician
    )
    assert r.status_code == 403
    assert (await client.get(f"/projects/{pid}/beneficiaries", headers=api.other_pm)).status_code == 404


async def test_records_replace_typed_totals_once_they_exist(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    await client.post(
        f"/projects/{pid}/targets", json={"measure": "women_employed", "period": "2026Q1", "value": 2}, headers=api.pm
    )
    typed = await client.post(
        f"/projects/{pid}/actuals",
        headers=api.pm,
        json={"measure": "women_employed", "counted_on": "2026-03-01", "value": 500},
    )
    assert typed.json()["ignored"] is False
    row = (await client.get(f"/projects/{pid}/progress?as_of=2026-03-31", headers=api.pm)).json()["rows"][0]
    assert (row["actual"], row["source"]) == (500, "reported")
    for name in ("张敏", "黄丽娟", "何美玲"):
        person = await _person(client, api, pid, name)
        r = await client.post(
            f"/projects/{pid}/beneficiaries/{person['id']}/outcomes",
            headers=api.pm,
            json={"kind": "employed", "achieved_on": "2026-03-10"},
        )
        assert r.status_code == 201, r.text
    row = (await client.get(f"/projects/{pid}/progress?as_of=2026-03-31", headers=api.pm)).json()["rows"][0]
    assert (row["actual"], row["source"], row["over_fulfilled"], row["surplus"]) == (3, "records", True, 1)
    listed = (await client.get(f"/projects/{pid}/actuals", headers=api.pm)).json()
    assert listed[0]["ignored"] is True


async def test_outcomes_are_checked(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    person = await _person(client, api, pid, "周静")
    url = f"/projects/{pid}/beneficiaries/{person['id']}/outcomes"
    early = await client.post(url, json={"kind": "trained", "achieved_on": "2026-01-15"}, headers=api.pm)
    assert early.status_code == 422 and early.json()["errors"][0]["field"] == "achieved_on"
    no_amount = await client.post(url, json={"kind": "loan", "achieved_on": "2026-03-01"}, headers=api.pm)
    assert no_amount.status_code == 422
    ok = await client.post(
        url, json={"kind": "certified", "achieved_on": "2026-03-01", "label": "育婴师"}, headers=api.pm
    )
    assert ok.status_code == 201
    removed = await client.delete(f"/projects/{pid}/outcomes/{ok.json()['id']}", headers=api.pm)
    assert removed.status_code == 204
    detail = (await client.get(f"/projects/{pid}/beneficiaries/{person['id']}", headers=api.pm)).json()
    assert detail["outcomes"] == []


async def test_of_which_targets_count_their_programme(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    parent = (
        await client.post(
            f"/projects/{pid}/targets", headers=api.pm, json={"measure": "women_employed", "period": "2026", "value": 4}
        )
    ).json()["target"]
    await client.post(
        f"/projects/{pid}/targets",
        headers=api.pm,
        json={
            "measure": "women_employed",
            "period": "2026",
            "value": 3,
            "parent_id": parent["id"],
            "label": "万人千元就业工程",
        },
    )
    for name, label in (("刘芳", "万人千元就业工程"), ("吴桂兰", ""), ("郑雪梅", "万人千元就业工程")):
        person = await _person(client, api, pid, name)
        await client.post(
            f"/projects/{pid}/beneficiaries/{person['id']}/outcomes",
            headers=api.pm,
            json={"kind": "employed", "achieved_on": "2026-04-01", "label": label},
        )
    rows = (await client.get(f"/projects/{pid}/progress?as_of=2026-12-31", headers=api.pm)).json()["rows"]
    by_label = {r["label"]: r for r in rows}
    assert (by_label[""]["actual"], by_label[""]["completion_pct"]) == (3, 75.0)
    assert (by_label["万人千元就业工程"]["actual"], by_label["万人千元就业工程"]["behind_schedule"]) == (2, True)


async def test_training_attendance_counts_the_women_trained(api, client: httpx.AsyncClient) -> None:
    """篇4's quarterly plan at 1/100 scale: 15 / 32 / 33 / 25 against a year of 100."""
    pid = (await api.running_project())["id"]
    for period, value in (("2026", 100), ("2026Q1", 15), ("2026Q2", 32), ("2026Q3", 33), ("2026Q4", 25)):
        r = await client.post(
            f"/projects/{pid}/targets",
            headers=api.pm,
            json={"measure": "women_trained", "period": period, "value": value},
        )
        assert r.status_code == 201
    assert r.json()["warnings"][0]["periods_sum"] == 105
    people = [await _person(client, api, pid, f"学员{i:02d}") for i in range(18)]
    training = await client.post(
        f"/projects/{pid}/activities",
        headers=api.pm,
        json={
            "kind": "training",
            "title": "巾帼创业SYB培训班（第一期）",
            "held_on": "2026-03-12",
            "place": "区妇女儿童活动中心",
            "hours": "120",
            "trainer": "区就业训练中心",
            "participant_count": 40,
        },
    )
    assert training.status_code == 201, training.text
    activity = training.json()
    sheet = {"entries": [{"beneficiary_id": p["id"], "present": i < 16} for i, p in enumerate(people)]}
    url = f"/projects/{pid}/activities/{activity['id']}/attendance"
    assert (await client.put(url, json=sheet, headers=api.pm)).status_code == 428
    kept = await client.put(url, json=sheet, headers={**api.pm, "If-Match": f'W/"{activity["version"]}"'})
    assert kept.status_code == 200, kept.text
    assert kept.json()["activity"]["participant_count"] == 16
    assert len(kept.json()["attendance"]) == 18
    progress = (await client.get(f"/projects/{pid}/progress?as_of=2026-03-31", headers=api.pm)).json()
    q1 = next(r for r in progress["rows"] if r["period"] == "2026Q1")
    assert (q1["actual"], q1["source"], q1["over_fulfilled"], q1["surplus"]) == (16, "records", True, 1)
    # The same sheet again replaces, it does not add.
    again = await client.put(url, json=sheet, headers={**api.pm, "If-Match": kept.headers["ETag"]})
    assert again.status_code == 200
    q1 = next(
        r
        for r in (await client.get(f"/projects/{pid}/progress?as_of=2026-03-31", headers=api.pm)).json()["rows"]
        if r["period"] == "2026Q1"
    )
    assert q1["actual"] == 16
    fix = await client.patch(
        f"/projects/{pid}/activities/{activity['id']}",
        json={"participant_count": 50},
        headers={**api.pm, "If-Match": "*"},
    )
    assert fix.status_code == 409


async def test_activities_and_their_photos(api, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    photo = await client.post(
        f"/projects/{pid}/attachments?filename=现场照片.jpg",
        content=b"\xff\xd8\xff\xe0fake-jpeg",
        headers={**api.pm, "Content-Type": "image/jpeg"},
    )
    assert photo.status_code == 201, photo.text
    body = {
        "kind": "lecture",
        "title": "反家庭暴力法宣传讲座",
        "held_on": "2026-03-08",
        "place": "石牌街社区",
        "participant_count": 120,
        "photo_ids": [photo.json()["id"]],
    }
    r = await client.post(f"/projects/{pid}/activities", json=body, headers=api.pm)
    assert r.status_code == 201, r.text
    wrong = await client.post(
        f"/projects/{pid}/activities",
        headers=api.pm,
        json={**body, "photo_ids": ["00000000-0000-0000-0000-000000000000"]},
    )
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "photo_ids.0"
    listed = (await client.get(f"/projects/{pid}/activities?kind=lecture", headers=api.auditor)).json()
    assert [a["participant_count"] for a in listed["items"]] == [120]
    # The year filter (found by schemathesis: it compared dates with text and gave a 500).
    in_year = (await client.get(f"/projects/{pid}/activities?year=2026", headers=api.auditor)).json()
    assert [a["participant_count"] for a in in_year["items"]] == [120]
    assert (await client.get(f"/projects/{pid}/activities?year=2025", headers=api.auditor)).json()["items"] == []
    download = await client.get(f"/projects/{pid}/attachments/{photo.json()['id']}", headers=api.auditor)
    assert download.content == b"\xff\xd8\xff\xe0fake-jpeg"
    assert (
        await client.get(f"/projects/{pid}/attachments/{photo.json()['id']}", headers=api.other_leader)
    ).status_code == 404
    exe = await client.post(
        f"/projects/{pid}/attachments?filename=x.exe",
        content=b"MZ",
        headers={**api.pm, "Content-Type": "application/x-msdownload"},
    )
    assert exe.status_code == 415
    for declared, content in (("application/pdf", b"<html><script>alert(1)</script>"), ("image/png", b"MZ\x90\x00")):
        disguised = await client.post(
            f"/projects/{pid}/attachments?filename=x.pdf", content=content, headers={**api.pm, "Content-Type": declared}
        )
        assert disguised.status_code == 415 and disguised.json()["errors"][0]["field"] == "body"
    training = await client.post(f"/projects/{pid}/activities", headers=api.pm, json={**body, "photo_ids": []})
    sheet = await client.put(
        f"/projects/{pid}/activities/{training.json()['id']}/attendance",
        json={"entries": []},
        headers={**api.pm, "If-Match": "*"},
    )
    assert sheet.status_code == 409
    closed_partner = auth(make_token(roles=["partner"], org_path="/44/", typ="client"))
    assert (await client.get(f"/projects/{pid}/activities", headers=closed_partner)).status_code == 403

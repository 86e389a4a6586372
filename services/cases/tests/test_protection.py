"""Victims' data: encrypted at rest, masked in lists, revealed only to some roles and always logged."""

import uuid
from typing import Any

import httpx
from cases_factories import YUEXIU, case_payload, user
from fastapi import FastAPI
from sqlalchemy import text

from halfsky_cases.config import Settings
from halfsky_cases.main import create_app
from halfsky_common.testing import running

WORKER = user(["case_worker"], sub="cw-li", name="李晓红")
AUDITOR = user(["auditor"], name="郑雪梅")


async def add(client: httpx.AsyncClient) -> tuple[dict[str, Any], dict[str, Any]]:
    body = case_payload()
    r = await client.post("/cases", json=body, headers=WORKER)
    assert r.status_code == 201
    return body, r.json()


async def test_the_database_holds_no_plain_id_number_phone_or_address(app: FastAPI, client: httpx.AsyncClient) -> None:
    body, _ = await add(client)
    victim = body["victim"]
    async with app.state.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT row_to_json(p)::text FROM person p"))).scalars().all()
        cases = (await conn.execute(text("SELECT row_to_json(c)::text FROM rights_case c"))).scalars().all()
        raw = (await conn.execute(text("SELECT phone_enc, id_number_enc FROM person WHERE name = '王芳'"))).one()
    dump = " ".join([*rows, *cases])
    for secret in (victim["phone"], victim["id_number"], victim["address"], victim["phone"][-8:]):
        assert secret not in dump
    assert victim["phone"].encode() not in bytes(raw.phone_enc)
    assert len(bytes(raw.id_number_enc)) > len(victim["id_number"])


async def test_lists_and_details_are_masked(client: httpx.AsyncClient) -> None:
    body, case = await add(client)
    phone, id_number = body["victim"]["phone"], body["victim"]["id_number"]
    item = (await client.get("/cases", headers=WORKER)).json()["items"][0]
    assert item["victim_phone"] == f"{phone[:3]}****{phone[-4:]}"
    assert case["victim"]["id_number"] == f"{id_number[:4]}**********{id_number[-4:]}"
    assert case["victim"]["address"] == "广州市天河区****"
    assert case["victim"]["revealed"] is False


async def test_reveal_shows_full_values_and_writes_the_access_log(client: httpx.AsyncClient) -> None:
    body, case = await add(client)
    r = await client.get(f"/cases/{case['id']}", params={"reveal": "true", "reason": "联系当事人"}, headers=WORKER)
    assert r.status_code == 200
    assert r.json()["victim"]["phone"] == body["victim"]["phone"]
    assert r.json()["victim"]["id_number"] == body["victim"]["id_number"]
    log = (await client.get("/cases/access-log", headers=AUDITOR)).json()["items"]
    assert len(log) == 1
    entry = log[0]
    assert entry["actor_id"] == "cw-li" and entry["case_number"] == case["number"]
    assert entry["fields"] == ["victim.address", "victim.id_number", "victim.phone"]
    assert entry["reason"] == "联系当事人"
    await client.get(f"/cases/{case['id']}", headers=WORKER)  # a masked view is not logged
    assert len((await client.get("/cases/access-log", headers=AUDITOR)).json()["items"]) == 1


async def test_who_may_reveal_and_who_may_read_the_log(client: httpx.AsyncClient) -> None:
    _, case = await add(client)
    assert (await client.get(f"/cases/{case['id']}", params={"reveal": "true"}, headers=AUDITOR)).status_code == 403
    await client.get(f"/cases/{case['id']}", params={"reveal": "true", "reason": "核实身份"}, headers=WORKER)
    assert (await client.get("/cases/access-log", headers=WORKER)).status_code == 403
    other_auditor = user(["auditor"], YUEXIU)
    assert (await client.get("/cases/access-log", headers=other_auditor)).json()["items"] == []
    by_case = await client.get("/cases/access-log", params={"case_id": case["id"]}, headers=AUDITOR)
    assert len(by_case.json()["items"]) == 1


async def test_person_view_edit_and_search_follow_the_record(client: httpx.AsyncClient) -> None:
    _, case = await add(client)
    url = f"/cases/persons/{case['victim_id']}"
    person = await client.get(url, headers=WORKER)
    assert person.status_code == 200 and "****" in person.json()["phone"]
    assert (await client.get(url, headers=user(["case_worker"], YUEXIU))).status_code == 404
    r = await client.patch(
        url, json={"name": "王芳华", "phone": "13600001234"}, headers={**WORKER, "If-Match": 'W/"1"'}
    )
    assert r.status_code == 200 and r.json()["phone"] == "136****1234" and r.json()["version"] == 2
    assert (await client.patch(url, json={"age": 38}, headers={**WORKER, "If-Match": 'W/"1"'})).status_code == 412
    found = (await client.get("/cases", params={"q": "芳华"}, headers=WORKER)).json()["items"]
    assert [c["id"] for c in found] == [case["id"]]
    revealed = await client.get(url, params={"reveal": "true", "reason": "更正电话"}, headers=WORKER)
    assert revealed.json()["phone"] == "13600001234"
    log = (await client.get("/cases/access-log", headers=AUDITOR)).json()["items"]
    assert log[0]["fields"] == ["person.id_number", "person.phone", "person.address"]


async def test_a_reveal_needs_a_stated_reason_of_a_few_characters_and_records_it(client: httpx.AsyncClient) -> None:
    body, case = await add(client)
    urls = {"case": f"/cases/{case['id']}", "person": f"/cases/persons/{case['victim_id']}"}
    for what, url in urls.items():
        for reason in (None, "", "    ", "核实", " 核 ", "ok"):
            params = {"reveal": "true", **({"reason": reason} if reason is not None else {})}
            r = await client.get(url, params=params, headers=WORKER)
            assert r.status_code == 422, (what, reason, r.text)
            assert r.headers["content-type"] == "application/problem+json"
            assert r.json()["code"] == "reveal_reason_required"
            assert [e["field"] for e in r.json()["errors"]] == ["reason"]
            said = str({k: v for k, v in r.json().items() if k != "instance"})  # the instance is her own path
            assert body["victim"]["phone"][-4:] not in said and case["victim"]["name"] not in said
        # The same refusal for a case or person that is not there: the reason is checked before the lookup.
        missing = url.replace(case["id"], str(uuid.uuid4())).replace(case["victim_id"], str(uuid.uuid4()))
        r = await client.get(missing, params={"reveal": "true", "reason": "核实"}, headers=WORKER)
        assert r.status_code == 422 and r.json()["code"] == "reveal_reason_required"
    assert (await client.get("/cases/access-log", headers=AUDITOR)).json()["items"] == []  # nothing was shown
    # Four characters are enough, Chinese or not; the reason is written trimmed to the access log.
    for url, reason in ((urls["case"], " 核实身份 "), (urls["person"], "call")):
        assert (await client.get(url, params={"reveal": "true", "reason": reason}, headers=WORKER)).status_code == 200
    log = (await client.get("/cases/access-log", headers=AUDITOR)).json()["items"]
    assert [(e["case_number"], e["reason"]) for e in log] == [("", "call"), (case["number"], "核实身份")]
    # A masked read needs no reason.
    assert (await client.get(urls["case"], headers=WORKER)).status_code == 200


async def test_the_reason_minimum_is_a_setting(settings: Settings) -> None:
    async with running(create_app(settings.model_copy(update={"reveal_reason_min_chars": 2}))) as client:
        _, case = await add(client)
        url = f"/cases/{case['id']}"
        assert (await client.get(url, params={"reveal": "true", "reason": "核"}, headers=WORKER)).status_code == 422
        assert (await client.get(url, params={"reveal": "true", "reason": "核对"}, headers=WORKER)).status_code == 200


def test_ciphertext_is_bound_to_its_field_and_key(tmp_path: Any) -> None:
    import pytest
    from cryptography.exceptions import InvalidTag

    from halfsky_cases.config import Settings
    from halfsky_cases.protection.crypto import UnknownKeyError, load_cipher

    cipher = load_cipher(Settings(data_dir=tmp_path))
    assert (tmp_path / "keys" / "data.key").exists()
    assert (
        load_cipher(Settings(data_dir=tmp_path)).decrypt("phone", cipher.encrypt("phone", "13800138000"))
        == "13800138000"
    )
    blob = cipher.encrypt("phone", "13800138000")
    assert cipher.encrypt("phone", "13800138000") != blob  # a fresh nonce each time
    with pytest.raises(InvalidTag):
        cipher.decrypt("id_number", blob)
    with pytest.raises(UnknownKeyError):  # the blob names its key, which this ring does not hold
        load_cipher(Settings(data_dir=tmp_path / "other")).decrypt("phone", blob)
    assert cipher.digest("phone", "13800138000") == cipher.digest("phone", "13800138000")


RACE = """
import sys, time
from pathlib import Path
from halfsky_cases.config import Settings
from halfsky_cases.protection.crypto import load_cipher
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
print(load_cipher(Settings(data_dir=Path(sys.argv[1]))).digest("probe", "x"))
"""


def test_workers_starting_together_all_get_the_one_data_key(tmp_path: Any) -> None:
    """Several processes, and several threads, create the key file at the same moment: one key, read by all."""
    import base64
    import subprocess
    import sys
    import threading
    import time

    from halfsky_cases.config import Settings
    from halfsky_cases.protection.crypto import load_cipher

    start = time.time() + 4  # every process imported and waiting by then
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE, str(tmp_path / "p"), str(start)], stdout=subprocess.PIPE, text=True
        )
        for _ in range(6)
    ]
    digests = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert all(p.returncode == 0 for p in procs)
    assert len(digests) == 1 and digests != {""}
    assert digests == {load_cipher(Settings(data_dir=tmp_path / "p")).digest("probe", "x")}

    barrier, found = threading.Barrier(12), []

    def worker() -> None:
        barrier.wait()
        found.append(load_cipher(Settings(data_dir=tmp_path / "t")).digest("probe", "x"))

    threads = [threading.Thread(target=worker) for _ in range(12)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(found) == 12 and len(set(found)) == 1
    for folder in (tmp_path / "p" / "keys", tmp_path / "t" / "keys"):
        assert [f.name for f in folder.iterdir()] == ["data.key"]  # no temporary files left behind
        assert (folder / "data.key").stat().st_mode & 0o777 == 0o600
        assert len(base64.b64decode((folder / "data.key").read_text())) == 32


def test_a_worker_that_loses_the_race_uses_the_winners_key(tmp_path: Any, monkeypatch: Any) -> None:
    """Between finding no key and linking its own in, another worker's key appeared: this one must use that."""
    import base64
    import os

    from halfsky_cases.protection import crypto

    path = tmp_path / "keys" / "data.key"
    winner = os.urandom(32)
    real_link = os.link

    def link_after_someone_else(src: Any, dst: Any) -> None:
        path.write_text(base64.b64encode(winner).decode())
        real_link(src, dst)

    monkeypatch.setattr(crypto.os, "link", link_after_someone_else)
    assert crypto._key_file(path) == winner
    assert [f.name for f in path.parent.iterdir()] == ["data.key"]

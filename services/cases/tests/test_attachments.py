"""Attachments: stored under the data folder, size and type checked, checksummed, downloads audited."""

import hashlib

import httpx
from cases_factories import YUEXIU, case_payload, new_case, user
from fastapi import FastAPI

WORKER = user(["case_worker"], sub="cw-li")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
PDF = b"%PDF-1.7\n" + "伤情鉴定意见书".encode() * 50


async def test_upload_list_and_audited_download(app: FastAPI, client: httpx.AsyncClient) -> None:
    case = await new_case(client, WORKER)
    url = f"/cases/{case['id']}/attachments"
    r = await client.post(
        url, files={"file": ("伤情照片.png", PNG, "image/png")}, data={"description": "手臂淤青"}, headers=WORKER
    )
    assert r.status_code == 201, r.text
    meta = r.json()
    assert meta["sha256"] == hashlib.sha256(PNG).hexdigest() and meta["size_bytes"] == len(PNG)
    on_disk = app.state.settings.attachments_dir / case["id"] / meta["id"]
    assert on_disk.read_bytes() == PNG
    assert [a["filename"] for a in (await client.get(url, headers=WORKER)).json()] == ["伤情照片.png"]
    got = await client.get(f"{url}/{meta['id']}/content", headers=WORKER)
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png"
    log = (await client.get("/cases/access-log", headers=user(["auditor"]))).json()["items"]
    assert log[0]["fields"] == [f"attachment.{meta['id']}"] and log[0]["actor_id"] == "cw-li"
    assert (await client.get(f"{url}/{meta['id']}/content", headers=user(["auditor"]))).status_code == 403
    assert (await client.get(f"{url}/{meta['id']}/content", headers=user(["case_worker"], YUEXIU))).status_code == 404
    on_disk.write_bytes(PNG + b"tampered")
    assert (await client.get(f"{url}/{meta['id']}/content", headers=WORKER)).status_code == 500


async def test_size_and_type_are_checked(app: FastAPI, client: httpx.AsyncClient) -> None:
    case = await new_case(client, WORKER)
    url = f"/cases/{case['id']}/attachments"
    ok = await client.post(url, files={"file": ("鉴定书.pdf", PDF, "application/pdf")}, headers=WORKER)
    assert ok.status_code == 201
    exe = await client.post(url, files={"file": ("a.exe", b"MZ\x90\x00", "application/octet-stream")}, headers=WORKER)
    assert exe.status_code == 415
    disguised = await client.post(url, files={"file": ("photo.jpg", b"MZ\x90\x00" * 10, "image/jpeg")}, headers=WORKER)
    assert disguised.status_code == 415
    limit = app.state.settings.attachment_max_bytes
    big = await client.post(url, files={"file": ("big.png", PNG + b"\x00" * limit, "image/png")}, headers=WORKER)
    assert big.status_code == 413
    assert len((await client.get(url, headers=WORKER)).json()) == 1


async def test_text_with_nul_is_refused_naming_the_field_not_a_500(client: httpx.AsyncClient) -> None:
    """PostgreSQL cannot store NUL: every way in gives 422 with the field, never a server error."""
    body = case_payload()
    body["victim"]["name"] = "王\x00芳"
    r = await client.post("/cases", json=body, headers=WORKER)
    assert r.status_code == 422 and r.json()["errors"] == [
        {"field": "victim.name", "message": "contains the NUL character"}
    ]
    listed = await client.get("/cases", params={"q": "王\x00"}, headers=WORKER)
    assert listed.status_code == 422 and listed.json()["errors"][0]["field"] == "q"
    case = await new_case(client, WORKER)
    url = f"/cases/{case['id']}/attachments"
    upload = await client.post(
        url, files={"file": ("伤情照片.png", PNG, "image/png")}, data={"description": "手臂\x00淤青"}, headers=WORKER
    )
    assert upload.status_code == 422 and upload.json()["errors"][0]["field"] == "description"
    # An escaped backslash is text, not NUL, and goes through.
    fine = await client.post("/cases", json=case_payload(summary="路径 C:\\u0000\\temp"), headers=WORKER)
    assert fine.status_code == 201 and fine.json()["summary"] == "路径 C:\\u0000\\temp"

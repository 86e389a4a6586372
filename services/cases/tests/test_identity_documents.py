"""Identity documents and phones of the people in cases: full-width input, real birth dates, other documents.

Issue 12, points 10 and 11: digits typed full-width (Chinese input methods) are the same number as half-width ones,
for the check, the stored value and the duplicate search; a resident ID whose checksum fits but whose birth date
cannot exist is refused; passports and the Hong Kong/Macao/Taiwan and foreigners' cards are recorded with their type.
"""

import csv
import io
from typing import Any

import httpx
from cases_factories import case_payload, user, valid_id_number
from fastapi import FastAPI
from sqlalchemy import text

WORKER = user(["case_worker"])
REASON = {"reveal": "true", "reason": "核实当事人身份"}


async def intake(client: httpx.AsyncClient, victim: dict[str, Any], **overrides: Any) -> httpx.Response:
    return await client.post("/cases", json=case_payload(victim=victim, **overrides), headers=WORKER)


def full_width(text: str) -> str:
    """What a Chinese input method in full-width mode types: ０-９, Ａ-Ｚ and the ideographic space."""
    return "".join("\u3000" if c == " " else chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in text)


def wrong_check_character(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


async def test_a_phone_typed_full_width_is_the_same_phone(client: httpx.AsyncClient) -> None:
    typed = full_width("139 8765 4321")
    assert typed == "１３９\u3000８７６５\u3000４３２１"
    first = await intake(client, {"name": "黄秀英", "phone": typed})
    assert first.status_code == 201, first.text
    again = await intake(client, {"name": "黄秀", "phone": "139-8765-4321"}, channel="visit")
    assert again.status_code == 201, again.text
    assert [(d["number"], d["reasons"]) for d in again.json()["possible_duplicates"]] == [
        (first.json()["number"], ["phone"])
    ]
    shown = (await client.get(f"/cases/{first.json()['id']}", params=REASON, headers=WORKER)).json()
    assert shown["victim"]["phone"] == "13987654321"  # stored half-width
    masked = (await client.get(f"/cases/{first.json()['id']}", headers=WORKER)).json()
    assert masked["victim"]["phone"] == "139****4321"


async def test_an_id_number_typed_full_width_is_the_same_number(client: httpx.AsyncClient) -> None:
    number = valid_id_number("44010619850704008")
    assert number.endswith("X")  # typed as the full-width small letter: ｘ
    first = await intake(client, {"name": "梁美玲", "id_number": full_width(number).replace("Ｘ", "ｘ")})
    assert first.status_code == 201, first.text
    again = await intake(client, {"name": "梁美", "id_number": number}, channel="visit")
    assert again.status_code == 201, again.text
    assert [d["reasons"] for d in again.json()["possible_duplicates"]] == [["id_number"]]
    shown = (await client.get(f"/cases/{first.json()['id']}", params=REASON, headers=WORKER)).json()
    assert shown["victim"]["id_number"] == number and shown["victim"]["id_type"] == "resident_id"


async def test_an_id_number_whose_birth_date_cannot_exist_is_refused(client: httpx.AsyncClient) -> None:
    for birth, why in (("19881312", "month 13"), ("19880230", "30 February"), ("20990101", "in the future")):
        number = valid_id_number(f"440106{birth}002")  # the check character fits: only the date is wrong
        r = await intake(client, {"name": "王芳", "id_number": number})
        assert r.status_code == 422, why
        (error,) = [e for e in r.json()["errors"] if e["field"] == "victim.id_number"]
        assert error["code"] == "id_number_birth_date", why
    leap_day = await intake(client, {"name": "王芳", "id_number": valid_id_number("44010619880229002")})
    assert leap_day.status_code == 201, leap_day.text


async def test_other_documents_are_recorded_with_their_type(client: httpx.AsyncClient) -> None:
    documents = [
        ("passport", "ｅ１２３４５６７８", "E12345678", "E*****678"),
        ("hk_macao_permit", "H 1234 5678", "H12345678", "H*****678"),
        ("taiwan_permit", "87654321", "87654321", "*****321"),
        ("foreign_permanent_id", "usa 4403 8501 0112", "USA440385010112", "USA*********112"),
        ("foreign_permanent_id", valid_id_number("94415619850101002"), valid_id_number("94415619850101002"), None),
        ("resident_id", valid_id_number("81000019900101002"), valid_id_number("81000019900101002"), None),
    ]
    for id_type, typed, stored, masked in documents:
        r = await intake(client, {"name": "陈嘉欣", "id_type": id_type, "id_number": typed})
        assert r.status_code == 201, (id_type, r.text)
        victim = r.json()["victim"]
        assert victim["id_type"] == id_type
        if masked:
            assert victim["id_number"] == masked
        assert "*" in victim["id_number"]
        shown = (await client.get(f"/cases/{r.json()['id']}", params=REASON, headers=WORKER)).json()
        assert shown["victim"]["id_number"] == stored and shown["victim"]["id_type"] == id_type


async def test_a_document_that_does_not_fit_its_type_is_refused_naming_the_field(client: httpx.AsyncClient) -> None:
    for id_type, number, code in (
        ("resident_id", "E12345678", "id_number_format"),  # a passport number given as a resident ID
        ("resident_id", "440106880312002", "id_number_old_format"),  # a first-generation card
        ("resident_id", valid_id_number("99010619880312002"), "id_number_region"),
        ("hk_macao_permit", "X12345678", "id_number_format"),
        ("taiwan_permit", "1234567", "id_number_format"),
        ("passport", "E1", "id_number_format"),
        ("foreign_permanent_id", wrong_check_character(valid_id_number("94415619850101002")), "id_number_check_digit"),
        ("resident_id", wrong_check_character(valid_id_number("44010619880312002")), "id_number_check_digit"),
    ):
        r = await intake(client, {"name": "王芳", "id_type": id_type, "id_number": number})
        assert r.status_code == 422, (id_type, number)
        (error,) = [e for e in r.json()["errors"] if e["field"] == "victim.id_number"]
        assert error["code"] == code, (id_type, number, error)
    unknown = await intake(client, {"name": "王芳", "id_type": "driving_licence", "id_number": "440106"})
    assert unknown.status_code == 422 and "victim.id_type" in {e["field"] for e in unknown.json()["errors"]}


async def test_the_same_permit_before_and_after_renewal_is_the_same_person(client: httpx.AsyncClient) -> None:
    """A Hong Kong resident's permit of the old booklet (H + lifelong 8 digits + 2 renewal digits) and the card."""
    old = await intake(client, {"name": "何嘉慧", "id_type": "hk_macao_permit", "id_number": "H1234567802"})
    assert old.status_code == 201, old.text
    new = await intake(client, {"name": "何慧", "id_type": "hk_macao_permit", "id_number": "h12345678"})
    assert [d["reasons"] for d in new.json()["possible_duplicates"]] == [["id_number"]]
    other = await intake(client, {"name": "何慧", "id_type": "passport", "id_number": "H12345678"})
    assert other.json()["possible_duplicates"] == []  # another kind of document: not the same number


async def test_phones_in_every_form_people_write_them(client: httpx.AsyncClient) -> None:
    for typed, stored in (
        ("+86 139 1111 2222", "13911112222"),
        ("0086-139-1111-2223", "13911112223"),
        ("(020) 8888-1234", "02088881234"),
        ("+86 20 8888 1235", "02088881235"),
        ("＋８５２　９１２３　４５６７", "+85291234567"),
    ):
        r = await intake(client, {"name": "王芳", "phone": typed})
        assert r.status_code == 201, (typed, r.text)
        shown = (await client.get(f"/cases/{r.json()['id']}", params=REASON, headers=WORKER)).json()
        assert shown["victim"]["phone"] == stored, typed
    for typed in ("12345", "139 1234 567a", "+86 139 1234", "23912345678"):
        r = await intake(client, {"name": "王芳", "phone": typed})
        assert r.status_code == 422, typed
        (error,) = [e for e in r.json()["errors"] if e["field"] == "victim.phone"]
        assert error["code"] == "phone_invalid", typed


async def test_a_persons_document_is_corrected_with_its_type(client: httpx.AsyncClient) -> None:
    case = (await intake(client, {"name": "陈嘉欣", "id_number": valid_id_number("44010619900101002")})).json()
    url = f"/cases/persons/{case['victim_id']}"
    etag = (await client.get(url, headers=WORKER)).headers["ETag"]
    wrong = await client.patch(url, json={"id_type": "passport"}, headers={**WORKER, "If-Match": etag})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["code"] == "id_number_format"
    fixed = await client.patch(
        url, json={"id_type": "passport", "id_number": "ｇ９８７６５４３２"}, headers={**WORKER, "If-Match": etag}
    )
    assert fixed.status_code == 200, fixed.text
    assert fixed.json()["id_type"] == "passport" and fixed.json()["id_number"] == "G*****432"
    again = await intake(client, {"name": "陈欣", "id_type": "passport", "id_number": "G98765432"})
    assert [d["number"] for d in again.json()["possible_duplicates"]] == [case["number"]]
    etag = fixed.headers["ETag"]
    number_only = await client.patch(url, json={"id_number": "G98765433"}, headers={**WORKER, "If-Match": etag})
    assert number_only.status_code == 200, number_only.text  # checked as the type she has: a passport
    assert number_only.json()["id_type"] == "passport"


async def test_the_export_names_the_document_and_masks_it_by_its_kind(client: httpx.AsyncClient) -> None:
    await intake(client, {"name": "陈嘉欣", "id_type": "taiwan_permit", "id_number": "８７６５４３２１"})
    r = await client.get("/cases/export", params={"format": "csv"}, headers=WORKER)
    assert r.status_code == 200, r.text
    header, row = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    shown = dict(zip(header, row, strict=True))
    assert (shown["证件号码"], shown["证件类型"]) == ("*****321", "台湾居民来往大陆通行证")


async def test_a_number_stored_under_the_old_rules_does_not_block_other_edits(
    app: FastAPI, client: httpx.AsyncClient
) -> None:
    """A month-13 number was accepted before: changing her phone must still work; changing the number is checked."""
    case = (await intake(client, {"name": "王芳", "id_number": valid_id_number("44010619880312002")})).json()
    old_rules = valid_id_number("44010619881312002")
    async with app.state.engine.begin() as conn:
        await conn.execute(
            text("UPDATE person SET id_number_enc = :blob WHERE id = :id"),
            {"blob": app.state.cipher.encrypt("id_number", old_rules), "id": case["victim_id"]},
        )
    url = f"/cases/persons/{case['victim_id']}"
    etag = (await client.get(url, headers=WORKER)).headers["ETag"]
    phone = await client.patch(url, json={"phone": "１３９ ００００ １１１１"}, headers={**WORKER, "If-Match": etag})
    assert phone.status_code == 200, phone.text
    again = await client.patch(
        url, json={"id_number": old_rules}, headers={**WORKER, "If-Match": phone.headers["ETag"]}
    )
    assert again.status_code == 422 and again.json()["errors"][0]["code"] == "id_number_birth_date"


async def test_a_landline_shows_only_its_last_four_everywhere(client: httpx.AsyncClient) -> None:
    """Issue 13: an 11-digit landline was masked like a mobile (020****5432); by the shared rule (halfsky_common.
    personal, the same as the projects service's) a phone that is no mobile shows its last four only."""
    created = await intake(client, {"name": "邓丽", "phone": "(020) 8888-5432"})
    assert created.status_code == 201, created.text
    detail = (await client.get(f"/cases/{created.json()['id']}", headers=WORKER)).json()
    listed = (await client.get("/cases", headers=WORKER)).json()["items"]
    exported = list(csv.DictReader(io.StringIO((await client.get("/cases/export", headers=WORKER)).text)))
    assert detail["victim"]["phone"] == "*******5432"
    assert [item["victim_phone"] for item in listed] == ["*******5432"]
    assert [row["联系电话"] for row in exported] == ["*******5432"]

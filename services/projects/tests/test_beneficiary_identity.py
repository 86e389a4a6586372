"""Beneficiaries' identity documents and phones (issue 12, points 10 and 11), by the rules the cases service uses.

The same number typed with full-width digits is the same person (one registration per project); a resident ID whose
birth date cannot exist is refused; other documents are recorded with their type and masked.
"""

from typing import Any

import httpx

VALID_ID = "11010519491231002X"  # the worked example of GB 11643
FULL_WIDTH_ID = "１１０１０５１９４９１２３１００２ｘ"


async def register(client: httpx.AsyncClient, api: Any, pid: str, **person: Any) -> httpx.Response:
    body = {"name": "李晓红", "registered_on": "2026-02-01", **person}
    return await client.post(f"/projects/{pid}/beneficiaries", json=body, headers=api.pm)


async def test_an_id_number_typed_full_width_is_the_same_person(api: Any, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    first = await register(client, api, pid, id_number=FULL_WIDTH_ID, phone="１３８\u3000１２３４\u3000５６７８")
    assert first.status_code == 201, first.text
    assert first.json()["id_number_masked"] == "1101**********002X"
    assert first.json()["phone_masked"] == "138****5678"
    assert first.json()["id_type"] == "resident_id"
    again = await register(client, api, pid, id_number=VALID_ID)
    assert again.status_code == 409 and again.json()["existing_id"] == first.json()["id"]


async def test_a_borrower_typed_full_width_is_matched_to_her_registration(api: Any, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    person = (await register(client, api, pid, id_number=VALID_ID, org_path=VILLAGE)).json()
    loan = {
        "borrower": {"name": "李晓红", "registered_on": "2026-03-01", "org_path": VILLAGE, "id_number": FULL_WIDTH_ID},
        "applied_on": "2026-03-01",
        "amount_fen": 5_000_000,
        "business": "生猪养殖",
    }
    r = await client.post(f"/projects/{pid}/loans", json=loan, headers=api.pm)
    assert r.status_code == 201, r.text
    assert r.json()["beneficiary_id"] == person["id"]


VILLAGE = "/44/4401/440106/440106001/440106001001/"


async def test_an_id_number_whose_birth_date_cannot_exist_is_refused(api: Any, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    for number in ("110105194913310021", "110105194902300020", "110105209901010020"):
        assert number[-1] == check_character(number[:17])  # the checksum fits: only the date is wrong
        r = await register(client, api, pid, id_number=number)
        assert r.status_code == 422, number
        assert r.json()["errors"][0]["field"] == "id_number"
        assert r.json()["errors"][0]["code"] == "id_number_birth_date"


async def test_other_documents_are_registered_with_their_type(api: Any, client: httpx.AsyncClient) -> None:
    pid = (await api.running_project())["id"]
    r = await register(client, api, pid, id_type="hk_macao_permit", id_number="Ｍ８７６５４３２１")
    assert r.status_code == 201, r.text
    assert (r.json()["id_type"], r.json()["id_number_masked"]) == ("hk_macao_permit", "M*****321")
    detail = (await client.get(f"/projects/{pid}/beneficiaries/{r.json()['id']}", headers=api.pm)).json()
    assert detail["id_type"] == "hk_macao_permit"
    renewed = await register(client, api, pid, id_type="hk_macao_permit", id_number="M8765432101")
    assert renewed.status_code == 409  # the old booklet's number: the same lifelong number
    passport = await register(client, api, pid, name="Anna Müller", id_type="passport", id_number="c01x00t47")
    assert passport.status_code == 201, passport.text
    assert passport.json()["id_number_masked"] == "C*****T47"
    wrong = await register(client, api, pid, id_type="taiwan_permit", id_number="M87654321")
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "id_number"
    bad_phone = await register(client, api, pid, phone="12345")
    assert bad_phone.status_code == 422 and bad_phone.json()["errors"][0]["field"] == "phone"


def check_character(body: str) -> str:
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]

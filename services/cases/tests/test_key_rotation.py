"""Rotating the data key: the ring reads old and new, re-encryption moves every field, duplicates keep matching."""

import base64
import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from cases_factories import case_payload, user, valid_id_number
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from fastapi import FastAPI
from sqlalchemy import select, text

from halfsky_cases.base import AuditEntry
from halfsky_cases.config import Settings
from halfsky_cases.main import create_app
from halfsky_cases.protection import rotation
from halfsky_cases.protection.crypto import (
    FORMAT_V1,
    FORMAT_V2,
    NONCE_BYTES,
    FieldCipher,
    UnknownKeyError,
    hash_key,
    key_id,
    load_cipher,
)
from halfsky_common.db import make_sessionmaker
from halfsky_common.testing import running

WORKER = user(["case_worker"], sub="cw-rot", name="李晓红")
KEY_A, KEY_B, KEY_C = (os.urandom(32) for _ in range(3))
ID_NUMBER = valid_id_number("44010619880312991")


def b64(*keys: bytes) -> str:
    return ",".join(base64.b64encode(k).decode() for k in keys)


@pytest.fixture
def ring(settings: Settings) -> Callable[..., Settings]:
    """The suite's settings with another key ring (and, if given, a pinned hash key)."""

    def make(current: bytes, *previous: bytes, hash_key: bytes = b"") -> Settings:
        pinned = b64(hash_key) if hash_key else ""
        return settings.model_copy(
            update={"data_key": b64(current), "previous_data_keys": b64(*previous), "hash_key": pinned}
        )

    return make


@asynccontextmanager
async def service(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(create_app(settings)) as client:
        yield client


async def register(client: httpx.AsyncClient, **victim: Any) -> dict[str, Any]:
    body = case_payload()
    body["victim"].update(victim)
    r = await client.post("/cases", json=body, headers=WORKER)
    assert r.status_code == 201, r.text
    return {**r.json(), "sent": body["victim"]}


async def revealed(client: httpx.AsyncClient, case: dict[str, Any]) -> dict[str, Any]:
    r = await client.get(f"/cases/{case['id']}", params={"reveal": "true", "reason": "核对身份"}, headers=WORKER)
    assert r.status_code == 200, r.text
    return dict(r.json()["victim"])


def assert_plain(victim: dict[str, Any], case: dict[str, Any]) -> None:
    for name in ("id_number", "phone", "address"):
        assert victim[name] == case["sent"][name].replace(" ", "")  # phones are stored as digits


def v1_blob(key: bytes, field: str, value: str) -> bytes:
    """A ciphertext of the first format (no key id), as written before the key ring existed."""
    nonce = os.urandom(NONCE_BYTES)
    return FORMAT_V1 + nonce + AESGCM(key).encrypt(nonce, value.encode(), field.encode())


async def heads(app: FastAPI) -> dict[str, set[bytes]]:
    """The format byte and key id of every stored value, per column."""
    async with app.state.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id_number_enc, phone_enc, address_enc FROM person"))).all()
    return {
        name: {bytes(row[i])[:5] if bytes(row[i])[:1] == FORMAT_V2 else FORMAT_V1 for row in rows if row[i]}
        for i, name in enumerate(("id_number", "phone", "address"))
    }


def prefix(key: bytes) -> bytes:
    return FORMAT_V2 + key_id(key)


async def test_rotation_end_to_end(app: FastAPI, ring: Callable[..., Settings]) -> None:
    # Under key A: one victim written now, one as the first format wrote her (no key id).
    async with service(ring(KEY_A)) as under_a:
        old = await register(under_a, phone="13811112222")
        legacy = await register(under_a, phone="13833334444", id_number=ID_NUMBER)
    async with app.state.engine.begin() as conn:
        await conn.execute(
            text("UPDATE person SET id_number_enc = :i, phone_enc = :p, address_enc = :a WHERE id = :id"),
            {
                "id": legacy["victim_id"],
                **{
                    k: v1_blob(KEY_A, name, legacy["sent"][name])
                    for k, name in (("i", "id_number"), ("p", "phone"), ("a", "address"))
                },
            },
        )
    pinned = hash_key(ring(KEY_A))

    # Rotated: B is current, A still accepted. Old values read, new ones are written under B, duplicates still found.
    async with service(ring(KEY_B, KEY_A)) as rotated:
        assert_plain(await revealed(rotated, old), old)
        assert_plain(await revealed(rotated, legacy), legacy)
        by_phone = await register(rotated, phone="138 1111 2222", name="王小芳", birth_date="1990-01-01")
        by_id = await register(rotated, id_number=legacy["sent"]["id_number"], phone="13955556666", name="王某")
    assert {d["number"]: d["reasons"] for d in by_phone["possible_duplicates"]} == {old["number"]: ["phone"]}
    assert [d["number"] for d in by_id["possible_duplicates"]] == [legacy["number"]]
    assert by_id["possible_duplicates"][0]["reasons"] == ["id_number"]
    assert (await heads(app))["phone"] == {prefix(KEY_A), FORMAT_V1, prefix(KEY_B)}

    # Re-encryption: every value not under B, and only those; a second run finds nothing left.
    cipher = load_cipher(ring(KEY_B, KEY_A, hash_key=pinned))
    maker = make_sessionmaker(app.state.engine)
    report = await rotation.reencrypt(maker, cipher, batch=1)
    assert (report.rows, report.batches, report.remaining) == (2, 2, 0)
    assert report.fields == {"id_number_enc": 2, "phone_enc": 2, "address_enc": 2}
    assert report.from_keys == {key_id(KEY_A).hex(): 3, "v1": 3}
    assert {name: found for name, found in (await heads(app)).items()} == {
        "id_number": {prefix(KEY_B)},
        "phone": {prefix(KEY_B)},
        "address": {prefix(KEY_B)},
    }
    async with maker() as session:
        audit = (
            (await session.execute(select(AuditEntry).where(AuditEntry.action == "data_key.reencrypt")))  # type: ignore[arg-type]
            .scalars()
            .all()
        )
    assert [(a.entity_id, a.detail["rows"], a.actor_id) for a in audit] == [
        (key_id(KEY_B).hex(), 1, "system:reencrypt")
    ] * 2
    again = await rotation.reencrypt(maker, cipher)
    assert (again.rows, again.batches, again.remaining) == (0, 0, 0)
    usage = await rotation.key_usage(maker)
    assert usage["person.phone_enc"] == {key_id(KEY_B).hex(): 4}

    # A removed (the hash key pinned): everything still reads, and duplicates of the old victims are still found.
    async with service(ring(KEY_B, hash_key=pinned)) as after:
        for case in (old, legacy, by_phone, by_id):
            assert_plain(await revealed(after, case), case)
        again_by_phone = await register(after, phone="13811112222", name="王小芳", birth_date="1990-01-01")
    assert {d["number"] for d in again_by_phone["possible_duplicates"]} == {old["number"], by_phone["number"]}

    # A key nobody configured: a clear error, never a wrong value; re-encryption stops without writing.
    async with service(ring(KEY_C, hash_key=pinned)) as stranger:
        r = await stranger.get(f"/cases/{old['id']}", params={"reveal": "true", "reason": "核对身份"}, headers=WORKER)
    assert r.status_code == 500 and "data key" in r.json()["detail"]
    with pytest.raises(rotation.UnreadableValue, match=key_id(KEY_B).hex()):
        await rotation.reencrypt(maker, load_cipher(ring(KEY_C, hash_key=pinned)))
    assert (await heads(app))["phone"] == {prefix(KEY_B)}


async def test_a_wrong_hash_key_stops_reencryption_before_it_writes(
    app: FastAPI, ring: Callable[..., Settings]
) -> None:
    async with service(ring(KEY_A)) as under_a:
        await register(under_a)
    wrong = load_cipher(ring(KEY_B, KEY_A, hash_key=os.urandom(32)))
    with pytest.raises(rotation.HashKeyMismatch, match="CASES_HASH_KEY"):
        await rotation.reencrypt(make_sessionmaker(app.state.engine), wrong)
    assert (await heads(app))["phone"] == {prefix(KEY_A)}
    async with make_sessionmaker(app.state.engine)() as session:
        assert (
            await session.execute(text("SELECT count(*) FROM audit_log WHERE action LIKE 'data_key%'"))
        ).scalar() == 0


def test_digests_do_not_change_when_the_key_rotates(ring: Callable[..., Settings]) -> None:
    before = load_cipher(ring(KEY_A))
    during = load_cipher(ring(KEY_B, KEY_A))
    twice = load_cipher(ring(KEY_C, KEY_B, KEY_A))  # a second rotation before the first one's key was dropped
    pinned = load_cipher(ring(KEY_C, hash_key=hash_key(ring(KEY_A))))
    for field, value in (("phone", "13811112222"), ("id_number", ID_NUMBER)):
        assert len({c.digest(field, value) for c in (before, during, twice, pinned)}) == 1
    assert load_cipher(ring(KEY_B)).digest("phone", "13811112222") != before.digest("phone", "13811112222")


def test_the_ring_reads_both_formats_and_names_a_missing_key(ring: Callable[..., Settings]) -> None:
    a, ab = load_cipher(ring(KEY_A)), load_cipher(ring(KEY_B, KEY_A))
    blob = a.encrypt("phone", "13811112222")
    assert blob is not None and blob[:5] == prefix(KEY_A) and len(blob) == 5 + NONCE_BYTES + 11 + 16
    assert ab.decrypt("phone", blob) == "13811112222"
    assert ab.decrypt("phone", v1_blob(KEY_A, "phone", "13811112222")) == "13811112222"
    assert ab.decrypt("phone", v1_blob(KEY_B, "phone", "13811112222")) == "13811112222"
    assert not ab.is_current(blob) and ab.is_current(ab.reencrypt("phone", blob)) and ab.is_current(None)
    with pytest.raises(UnknownKeyError, match=f"{key_id(KEY_A).hex()}.*CASES_PREVIOUS_DATA_KEYS"):
        load_cipher(ring(KEY_B)).decrypt("phone", blob)
    from cryptography.exceptions import InvalidTag

    with pytest.raises(InvalidTag):  # the first format under a key the ring lacks: no key fits
        load_cipher(ring(KEY_B)).decrypt("phone", v1_blob(KEY_A, "phone", "13811112222"))
    with pytest.raises(ValueError, match="CASES_PREVIOUS_DATA_KEYS: key 2 is not base64 of 32 bytes"):
        load_cipher(ring(KEY_B).model_copy(update={"previous_data_keys": f"{b64(KEY_A)}\n c2hvcnQ="}))
    with pytest.raises(ValueError, match="CASES_DATA_KEY holds one key"):
        load_cipher(ring(KEY_B).model_copy(update={"data_key": b64(KEY_B, KEY_A)}))
    spaced = ring(KEY_C).model_copy(update={"previous_data_keys": f" {b64(KEY_B)}\n{b64(KEY_A)},\n"})
    assert load_cipher(spaced).decrypt("phone", blob) == "13811112222"
    assert FieldCipher(KEY_A, b"h", (KEY_A, KEY_B)).key_ids == (key_id(KEY_A), key_id(KEY_B))


def test_the_key_file_made_on_first_start_joins_a_rotation(tmp_path: Any) -> None:
    """No key configured: the file made on first start is current; later it can be the previous key of a new one."""
    first = load_cipher(Settings(data_dir=tmp_path))
    file_key = base64.b64decode((tmp_path / "keys" / "data.key").read_text())
    blob = first.encrypt("address", "广州市天河区林和街道")
    assert blob is not None and blob[:5] == prefix(file_key)
    assert load_cipher(Settings(data_dir=tmp_path, previous_data_keys=b64(KEY_A))).decrypt("address", blob)
    rotated = load_cipher(
        Settings(data_dir=tmp_path / "elsewhere", data_key=b64(KEY_B), previous_data_keys=b64(file_key))
    )
    assert rotated.decrypt("address", blob) == "广州市天河区林和街道"
    assert rotated.digest("phone", "13811112222") == first.digest("phone", "13811112222")
    assert not (tmp_path / "elsewhere").exists()  # a configured key makes no key file


def test_the_commands(
    db_url: str, ring: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from halfsky_cases import cli

    for name, value in {"DATABASE_URL": db_url, "DATA_KEY": b64(KEY_B), "PREVIOUS_DATA_KEYS": b64(KEY_A)}.items():
        monkeypatch.setenv(f"CASES_{name}", value)
    monkeypatch.delenv("CASES_HASH_KEY", raising=False)
    assert cli.main(["hash-key"]) == 0
    printed = capsys.readouterr().out.strip()
    assert base64.b64decode(printed) == hash_key(ring(KEY_A))
    assert cli.main(["reencrypt"]) == 2  # the hash key must be pinned before the old key can go
    assert "CASES_HASH_KEY is not set" in capsys.readouterr().err
    monkeypatch.setenv("CASES_HASH_KEY", printed)
    assert cli.main(["reencrypt", "--batch", "10"]) == 0
    out = capsys.readouterr().out
    assert "reencrypted 0 rows" in out and "fields still under another key: 0" in out
    assert cli.main(["key-status"]) == 0
    assert f"current key {key_id(KEY_B).hex()}; previous keys {key_id(KEY_A).hex()}" in capsys.readouterr().out
    monkeypatch.delenv("CASES_DATA_KEY")
    monkeypatch.setenv("CASES_DATA_DIR", "/nonexistent/halfsky")
    with pytest.raises(SystemExit, match="no CASES_DATA_KEY and no key file"):
        cli.main(["key-status"])


async def test_reencryption_checks_the_digest_of_a_document_with_its_type(
    app: FastAPI, ring: Callable[..., Settings]
) -> None:
    """A passport's digest is made of its type and number (halfsky_common.personal.match_key): the re-encryption's
    check must recompute it the same way, or it would stop at the first foreign victim as if the hash key were wrong."""
    async with service(ring(KEY_A)) as under_a:
        holder = await register(under_a, id_type="passport", id_number="E12345678")
    cipher = load_cipher(ring(KEY_B, KEY_A, hash_key=hash_key(ring(KEY_A))))
    report = await rotation.reencrypt(make_sessionmaker(app.state.engine), cipher)
    assert (report.rows, report.remaining) == (1, 0)
    async with service(ring(KEY_B, hash_key=hash_key(ring(KEY_A)))) as after:
        again = await register(
            after, id_type="passport", id_number="ｅ１２３４５６７８", phone="13955556666", name="某"
        )
    assert [(d["number"], d["reasons"]) for d in again["possible_duplicates"]] == [(holder["number"], ["id_number"])]

"""The shared library through a tiny app: region filter, keyset pages, If-Match, problem+json, tokens."""

import uuid

import httpx
import pytest
from jose import jwk
from jose.exceptions import ExpiredSignatureError

from halfsky_common.auth import Principal, TokenVerifier
from halfsky_common.problems import Problem
from halfsky_common.testing import auth, make_token, shared_key_pair

TIANHE = auth(make_token(roles=["case_worker"], org_path="/44/4401/440106/"))
CITY = auth(make_token(roles=["leader"], org_path="/44/4401/"))


async def _all_pages(client: httpx.AsyncClient, headers: dict[str, str]) -> list[list[str]]:
    pages, cursor = [], None
    while True:
        params = {"cursor": cursor} if cursor else {}
        body = (await client.get("/notes", params=params, headers=headers)).json()
        pages.append([n["text"] for n in body["items"]])
        cursor = body["next_cursor"]
        if not body["has_more"]:
            assert cursor is None
            return pages


async def test_keyset_pages_cover_the_region_once_in_order(
    client: httpx.AsyncClient, notes: dict[str, uuid.UUID]
) -> None:
    pages = await _all_pages(client, TIANHE)
    flat = [t for page in pages for t in page]
    assert [len(p) for p in pages] == [3, 3, 1]
    assert flat[0] == "th76" and flat[-1] == "th10" and "yx" not in flat
    assert sorted(flat) == sorted(t for t in notes if t.startswith("th"))
    city = [t for page in await _all_pages(client, CITY) for t in page]
    assert "yx" in city and len(city) == 8


async def test_total_counts_only_the_region(client: httpx.AsyncClient, notes: dict[str, uuid.UUID]) -> None:
    assert (await client.get("/notes", headers=TIANHE)).json()["total"] == 7
    assert (await client.get("/notes", headers=CITY)).json()["total"] == 8


async def test_a_forged_cursor_is_a_422_naming_the_field(
    client: httpx.AsyncClient, notes: dict[str, uuid.UUID]
) -> None:
    r = await client.get("/notes", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=TIANHE)
    assert r.status_code == 422
    assert r.headers["content-type"] == "application/problem+json"
    assert r.json()["errors"] == [{"field": "cursor", "message": "not a cursor from this list"}]


async def test_if_match_missing_stale_and_fresh(client: httpx.AsyncClient, notes: dict[str, uuid.UUID]) -> None:
    url = f"/notes/{notes['th10']}"
    assert (await client.patch(url, params={"text": "a"}, headers=TIANHE)).status_code == 428
    assert (await client.patch(url, params={"text": "a"}, headers={**TIANHE, "If-Match": 'W/"99"'})).status_code == 412
    ok = await client.patch(url, params={"text": "a"}, headers={**TIANHE, "If-Match": 'W/"1"'})
    assert ok.status_code == 200 and ok.headers["etag"] == 'W/"2"'


async def test_validation_errors_name_each_field(client: httpx.AsyncClient) -> None:
    r = await client.get("/notes", params={"limit": "many"}, headers=TIANHE)
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "limit"


async def test_request_id_is_echoed_and_health_answers(client: httpx.AsyncClient) -> None:
    r = await client.get("/health", headers={"X-Request-ID": "req-7"})
    assert r.headers["x-request-id"] == "req-7" and r.json()["status"] == "ok"
    assert (await client.get("/ready")).json()["status"] == "ready"


def test_verifier_reads_identity_and_sees_only_its_subtree() -> None:
    verifier = TokenVerifier(public_key_pem=shared_key_pair()[1], issuer="halfsky-gateway", audience="halfsky")
    p = verifier.verify(make_token(roles=["leader"], org_path="/44/4401/", scope="stats:read", typ="client"))
    assert isinstance(p, Principal) and p.kind == "client" and p.scopes == frozenset({"stats:read"})
    assert p.sees("/44/4401/440106/") and not p.sees("/44/4402/")
    try:
        verifier.verify(make_token(org_path="no-slashes"))
    except Problem as exc:
        assert exc.status == 401
    else:
        raise AssertionError("a token without a valid org_path was accepted")


def test_the_public_key_is_parsed_once_not_per_token(monkeypatch: pytest.MonkeyPatch) -> None:
    verifier = TokenVerifier(public_key_pem=shared_key_pair()[1], issuer="halfsky-gateway", audience="halfsky")
    tokens = [make_token(roles=["leader"], org_path="/44/4401/") for _ in range(3)]
    calls = []
    real = jwk.construct

    def counting(*args: object, **kwargs: object) -> object:
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(jwk, "construct", counting)
    for token in tokens:
        verifier.verify(token)
    assert calls == []


def test_a_verified_token_is_remembered_until_it_expires(monkeypatch: pytest.MonkeyPatch) -> None:
    from jose import jwt as jose_jwt

    from halfsky_common import auth as auth_module

    verifier = TokenVerifier(public_key_pem=shared_key_pair()[1], issuer="halfsky-gateway", audience="halfsky")
    token = make_token(roles=["leader"], org_path="/44/4401/")
    exp = jose_jwt.get_unverified_claims(token)["exp"]
    decoded = []
    real = auth_module.jwt.decode

    def counting(*args: object, **kwargs: object) -> object:
        decoded.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(auth_module.jwt, "decode", counting)
    first, second = verifier.verify(token), verifier.verify(token)
    assert first == second and len(decoded) == 1
    # A token that differs in one character is checked in full (and refused).
    tampered = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    try:
        verifier.verify(tampered)
    except Problem as exc:
        assert exc.status == 401
    else:
        raise AssertionError("a tampered token was accepted")
    # Past its exp the remembered token is checked again, and refused as expired.
    monkeypatch.setattr(auth_module.time, "time", lambda: exp + 1.0)
    monkeypatch.setattr(auth_module.jwt, "decode", lambda *a, **k: (_ for _ in ()).throw(ExpiredSignatureError()))
    try:
        verifier.verify(token)
    except Problem as exc:
        assert exc.status == 401 and exc.extra.get("code") == "token_expired"
    else:
        raise AssertionError("an expired token was accepted from the cache")

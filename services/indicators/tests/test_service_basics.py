"""What every service must do: health, readiness, its OpenAPI, refusing bad tokens, a schema without drift."""

import httpx
import pytest

from halfsky_common.testing import auth, forged_tokens, make_token, schema_drift, shared_key_pair
from halfsky_indicators.models import Base


async def test_health_and_ready(client: httpx.AsyncClient) -> None:
    assert (await client.get("/health")).json()["status"] == "ok"
    assert (await client.get("/ready")).json()["status"] == "ready"
    assert "/indicators" in (await client.get("/openapi.json")).json()["paths"]


async def test_list_without_token_is_401_problem(client: httpx.AsyncClient) -> None:
    r = await client.get("/indicators")
    assert r.status_code == 401
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["status"] == 401


@pytest.mark.parametrize("kind", sorted(forged_tokens(shared_key_pair()[1])))
async def test_forged_tokens_are_refused(client: httpx.AsyncClient, kind: str) -> None:
    token = forged_tokens(shared_key_pair()[1])[kind]
    r = await client.get("/indicators", headers=auth(token))
    assert r.status_code == 401, (kind, r.text)
    assert r.headers["content-type"].startswith("application/problem+json")


async def test_empty_list_is_a_page(client: httpx.AsyncClient) -> None:
    r = await client.get("/indicators", headers=auth(make_token(roles=["case_worker"], org_path="/44/4401/")))
    assert r.status_code == 200
    assert r.json() == {"items": [], "next_cursor": None, "has_more": False, "total": None}


async def test_migrations_match_models(db_url: str) -> None:
    assert await schema_drift(db_url, Base.metadata) == []


async def test_the_catalogue_is_for_staff_not_for_partner_clients(client: httpx.AsyncClient) -> None:
    partner = auth(
        make_token(roles=["partner"], typ="client", scope="stats:read", org_path="/44/4401/440106/", sub="client:x")
    )
    for path in ("/indicators", "/indicators/plans", "/indicators/data-elements", "/indicators/periods/2026"):
        r = await client.get(path, headers=partner)
        assert r.status_code == 403, (path, r.text)
    staff = auth(make_token(roles=["case_worker"], org_path="/44/4401/440106/"))
    assert (await client.get("/indicators/periods/2026", headers=staff)).status_code == 200

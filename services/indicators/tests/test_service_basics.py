"""What every service must do (health, readiness, OpenAPI, refusing bad tokens, no schema drift), and an empty list."""

import httpx

from halfsky_common.testing import ServiceBasics, auth, make_token
from halfsky_indicators.models import Base


class TestBasics(ServiceBasics):
    service = "indicators"
    metadata = Base.metadata


async def test_empty_list_is_a_page(client: httpx.AsyncClient) -> None:
    r = await client.get("/indicators", headers=auth(make_token(roles=["leader"], org_path="/44/4401/")))
    assert r.status_code == 200
    assert r.json()["items"] == [] and r.json()["has_more"] is False


async def test_the_catalogue_is_for_staff_not_for_partner_clients(client: httpx.AsyncClient) -> None:
    partner = auth(
        make_token(roles=["partner"], typ="client", scope="stats:read", org_path="/44/4401/440106/", sub="client:x")
    )
    for path in ("/indicators", "/indicators/plans", "/indicators/data-elements", "/indicators/periods/2026"):
        r = await client.get(path, headers=partner)
        assert r.status_code == 403, (path, r.text)
    staff = auth(make_token(roles=["case_worker"], org_path="/44/4401/440106/"))
    assert (await client.get("/indicators/periods/2026", headers=staff)).status_code == 200

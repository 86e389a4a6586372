"""What every service must do (health, readiness, OpenAPI, refusing bad tokens, no schema drift), and an empty list."""

import httpx

from halfsky_cases.models import Base
from halfsky_common.testing import ServiceBasics, auth, make_token


class TestBasics(ServiceBasics):
    service = "cases"
    metadata = Base.metadata


async def test_empty_list_is_a_page(client: httpx.AsyncClient) -> None:
    r = await client.get("/cases", headers=auth(make_token(roles=["leader"], org_path="/44/4401/")))
    assert r.status_code == 200
    assert r.json()["items"] == [] and r.json()["has_more"] is False

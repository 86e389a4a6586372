"""Tokens and catalogue builders for the indicators tests, with places and figures from the domain notes."""

import uuid
from typing import Any

import httpx

from halfsky_common.testing import auth, make_token

GUANGDONG = "/44/"
GUANGZHOU = "/44/4401/"
TIANHE = "/44/4401/440106/"
YUEXIU = "/44/4401/440104/"
TIANHE_STREETS = ["/44/4401/440106/440106001/", "/44/4401/440106/440106002/", "/44/4401/440106/440106003/"]


def user(roles: list[str], org_path: str = TIANHE, *, name: str = "周静") -> dict[str, str]:
    """Authorization header of a user at an org unit."""
    code = org_path.strip("/").rsplit("/", 1)[-1]
    return auth(make_token(roles=roles, org_path=org_path, org_code=code, org=code, sub=str(uuid.uuid4()), name=name))


ADMIN = user(["admin"], GUANGDONG, name="系统管理员")
STATS = user(["statistician"], TIANHE)  # 天河区 statistician
GZ_STATS = user(["statistician"], GUANGZHOU, name="林晓燕")
GZ_LEADER = user(["leader"], GUANGZHOU, name="陈秀英")
TH_LEADER = user(["leader"], TIANHE, name="吴桂兰")
CASE_WORKER = user(["case_worker"], TIANHE, name="李晓红")
YX_STATS = user(["statistician"], YUEXIU, name="何美玲")
# the token the gateway signs to deliver moves in the region tree (halfsky_gateway.orgunits.propagation)
GATEWAY = auth(
    make_token(typ="service", roles=[], scope="orgs:move", org_path="/", name="gateway", sub="service:gateway")
)


def element(code: str, name_zh: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "name_zh": name_zh, "value_type": "integer", "period_type": "year", **extra}


async def create(client: httpx.AsyncClient, path: str, body: dict[str, Any], headers: dict[str, str] = ADMIN) -> Any:
    r = await client.post(f"/indicators{path}", json=body, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


async def folic_catalogue(client: httpx.AsyncClient, period_type: str = "year") -> None:
    """增补叶酸 (folic acid) elements, a plan, the take-up rate and a yearly data set."""
    await create(client, "/data-elements", element("folic_takers", "服用叶酸人数", period_type=period_type))
    await create(client, "/data-elements", element("folic_due", "应服叶酸人数", period_type=period_type))
    await create(
        client,
        "/plans",
        {
            "code": "WCH-2021",
            "name_zh": "妇女儿童发展规划（2021—2030年）",
            "kind": "programme",
            "start_year": 2021,
            "end_year": 2030,
        },
    )
    await create(
        client,
        "",
        {
            "code": "H-FOLIC",
            "name_zh": "增补叶酸服用率",
            "plan": "WCH-2021",
            "domain": "health",
            "kind": "ratio",
            "numerator": "#{folic_takers}",
            "denominator": "#{folic_due}",
            "unit": "percent",
            "decimals": 2,
            "comparator": "ge",
            "responsible_unit": "卫生健康委",
            "baseline_value": "76.39",
            "baseline_year": 2009,
            "targets": [{"year": 2030, "value": "90"}],
        },
    )
    await create(
        client,
        "/data-sets",
        {
            "code": "folic",
            "name_zh": "增补叶酸项目报表",
            "period_type": period_type,
            "elements": ["folic_takers", "folic_due"],
        },
    )

"""Tokens and payloads for the cases tests, with names and places from the domain notes (pseudonyms)."""

import itertools
import uuid
from typing import Any

from halfsky_common.testing import auth, make_token

TIANHE = "/44/4401/440106/"
TIANHE_STREET = "/44/4401/440106/440106001/"
YUEXIU = "/44/4401/440103/"
GUANGZHOU = "/44/4401/"

_ids = itertools.count(1)


def user(roles: list[str], org_path: str = TIANHE, *, sub: str | None = None, name: str = "李晓红") -> dict[str, str]:
    """Authorization header of a user at an org unit (org_code is the last path segment)."""
    code = org_path.strip("/").rsplit("/", 1)[-1]
    return auth(make_token(roles=roles, org_path=org_path, org_code=code, sub=sub or str(uuid.uuid4()), name=name))


def partner(
    scopes: str, org_path: str = TIANHE, *, client_id: str = "gz-police", agency: str = "police"
) -> dict[str, str]:
    """Authorization header of a partner client (as the gateway issues it)."""
    code = org_path.strip("/").rsplit("/", 1)[-1]
    return auth(
        make_token(
            roles=["partner"],
            org_path=org_path,
            org_code=code,
            typ="client",
            scope=scopes,
            sub=f"client:{client_id}",
            name="天河区公安分局",
            agency=agency,
        )
    )


def valid_id_number(prefix17: str) -> str:
    """Complete 17 digits with the GB 11643 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(prefix17, weights, strict=True))
    return prefix17 + "10X98765432"[total % 11]


def case_payload(**overrides: Any) -> dict[str, Any]:
    """A domestic-violence case as a 12338 operator would record it."""
    n = next(_ids)
    body: dict[str, Any] = {
        "channel": "hotline",
        "summary": "丈夫多次殴打，要求帮助",
        "description": "来电人称丈夫酒后多次殴打她，最近一次致手臂淤青，担心孩子安全。",
        "primary_category": "domestic_violence",
        "subcategory": "physical",
        "secondary_categories": ["marriage_family"],
        "victim": {
            "name": "王芳",
            "sex": "female",
            "birth_date": "1988-03-12",
            "id_number": valid_id_number(f"44010619880312{n % 1000:03d}"),
            "phone": f"138{n:08d}",
            "address": "广州市天河区林和街道某小区5栋",
            "marital_status": "married",
            "occupation": "超市收银员",
            "children_count": 2,
        },
        "respondents": [{"person": {"name": "赵强", "sex": "male", "age": 40}, "relationship": "spouse"}],
    }
    body.update(overrides)
    return body


async def new_case(client: Any, headers: dict[str, str], **overrides: Any) -> dict[str, Any]:
    """Register a case and return its detail."""
    r = await client.post("/cases", json=case_payload(**overrides), headers=headers)
    assert r.status_code == 201, r.text
    return dict(r.json())


def if_match(headers: dict[str, str], version: int) -> dict[str, str]:
    return {**headers, "If-Match": f'W/"{version}"'}

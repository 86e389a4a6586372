"""The security suite's world: a running stack, a caller per role, and real records in 天河区 and 荔湾区.

Every write goes through `World.call` with its own X-Request-ID, so the audit test can find the row it left.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from jose import jwt

from halfsky_gateway.stack import Stack

PASSWORD = "Demo-2026-halfsky"  # the demo users'
# Accounts the suite creates through the API: a real account may not have the public demo password.
STAFF_PASSWORD = "Security-2026-staff"
TIANHE = "/44/4401/440106/"
LIWAN = "/44/4401/440103/"
TIANHE_STREET = "/44/4401/440106/440106001/"
TIANHE_VILLAGE = "/44/4401/440106/440106001/440106001001/"
SERVICES = ("cases", "projects", "indicators")
INTAKE_LIMIT = 12  # per partner client and window in the suite's stack, low so the limit test stays short
LOGIN_DELAY_AFTER = 5
LOGIN_LIMIT_PER_IP = 30

# The matrix's columns, in the order the expectation strings list them.
PERSONAS = (
    "admin",
    "leader",
    "case_worker",
    "hotline_operator",
    "project_manager",
    "statistician",
    "auditor",
    "other_region",
    "partner",
    "anonymous",
)
PERSONA_USERS = {
    "admin": "th_admin",
    "leader": "th_leader",
    "case_worker": "th_caseworker",
    "hotline_operator": "th_hotline",
    "project_manager": "th_projects",
    "statistician": "th_stats",
    "auditor": "th_auditor",
    "other_region": "lw_caseworker",
    "city_leader": "gz_leader",
}
# Extra staff of 荔湾区, so that every kind of list can be read from the other region too.
LIWAN_STAFF = {
    "lw_leader": ["leader"],
    "lw_projects": ["project_manager"],
    "lw_stats": ["statistician"],
    "lw_auditor": ["auditor"],
    "lw_hotline": ["hotline_operator"],
}
ALL_SCOPES = ["cases:intake", "cases:referrals", "stats:read"]


def valid_id_number(prefix17: str) -> str:
    """Complete 17 digits with the GB 11643 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(d) * w for d, w in zip(prefix17, weights, strict=True))
    return prefix17 + "10X98765432"[total % 11]


@dataclass
class Caller:
    """Someone calling the API: headers to send and who the token says they are."""

    name: str
    headers: dict[str, str]
    id: str = ""
    org_path: str = ""

    @classmethod
    def from_token(cls, name: str, token: str) -> "Caller":
        claims = jwt.get_unverified_claims(token)
        return cls(name, {"Authorization": f"Bearer {token}"}, str(claims["sub"]), str(claims["org_path"]))


@dataclass
class Write:
    """A successful write the world made: where, by whom, under which request id."""

    service: str
    method: str
    path: str
    request_id: str
    actor_id: str
    status: int


@dataclass
class World:
    stack: Stack
    http: httpx.Client
    callers: dict[str, Caller] = field(default_factory=dict)
    ids: dict[str, str] = field(default_factory=dict)
    writes: list[Write] = field(default_factory=list)
    reveals: list[Write] = field(default_factory=list)
    refused: list[Write] = field(default_factory=list)  # writes that did not succeed (for debugging the world)
    clients: dict[str, dict[str, Any]] = field(default_factory=dict)
    _ip: int = 0

    @property
    def base(self) -> str:
        return self.stack.base_url

    def service_url(self, name: str) -> str:
        return f"http://{self.stack.host}:{self.stack.ports[name]}"

    def fresh_ip(self) -> str:
        """A documentation address per sign-in, so the suite's own logins never trip the per-address limit."""
        self._ip += 1
        return f"198.51.{100 + self._ip // 250}.{self._ip % 250 + 1}"

    def login(self, username: str, password: str = PASSWORD) -> str:
        r = self.http.post(
            "/api/auth/login",
            json={"username": username, "password": password},
            headers={"X-Forwarded-For": self.fresh_ip()},
        )
        assert r.status_code == 200, (username, r.text)
        return str(r.json()["access_token"])

    def client_token(self, client: dict[str, Any]) -> str:
        r = self.http.post(
            "/api/auth/token",
            data={
                "grant_type": "client_credentials",
                "client_id": client["client_id"],
                "client_secret": client["client_secret"],
            },
        )
        assert r.status_code == 200, r.text
        return str(r.json()["access_token"])

    def call(
        self, who: str | Caller, method: str, path: str, *, expect: int | tuple[int, ...] | None = None, **kw: Any
    ) -> httpx.Response:
        """One request as `who`; 2xx writes are remembered with their request id for the audit test."""
        caller = self.callers[who] if isinstance(who, str) else who
        rid = f"sec-{uuid.uuid4().hex}"
        headers = {**caller.headers, "X-Request-ID": rid, **kw.pop("headers", {})}
        r = self.http.request(method, path, headers=headers, **kw)
        if expect is not None:
            wanted = expect if isinstance(expect, tuple) else (expect,)
            assert r.status_code in wanted, (method, path, r.status_code, r.text[:500])
        service = path.removeprefix("/api/").split("/", 1)[0].split("?", 1)[0]
        record = Write(service, method, path, rid, caller.id, r.status_code)
        if method != "GET" and 200 <= r.status_code < 300:
            self.writes.append(record)
        elif method == "GET" and 200 <= r.status_code < 300 and ("reveal=true" in path or path.endswith("/content")):
            self.reveals.append(record)
        elif method != "GET":
            self.refused.append(record)
        return r

    def etag(self, who: str, path: str) -> str:
        r = self.call(who, "GET", path, expect=200)
        return r.headers["ETag"]


def case_body(name: str, phone_tail: int, summary: str = "丈夫多次殴打，要求帮助", **extra: Any) -> dict[str, Any]:
    """A domestic-violence case as a 12338 operator records it."""
    return {
        "channel": "hotline",
        "summary": summary,
        "description": "来电人称丈夫酒后多次殴打她，最近一次致手臂淤青，担心孩子安全。",
        "primary_category": "domestic_violence",
        "subcategory": "physical",
        "victim": {
            "name": name,
            "sex": "female",
            "birth_date": "1988-03-12",
            "id_number": valid_id_number(f"44010619880312{phone_tail % 1000:03d}"),
            "phone": f"138{phone_tail:08d}",
            "address": "广州市天河区林和街道某小区5栋",
        },
        "respondents": [{"person": {"name": "赵强", "sex": "male", "age": 40}, "relationship": "spouse"}],
        **extra,
    }


def project_body(name: str, **extra: Any) -> dict[str, Any]:
    year = datetime.now(UTC).year
    return {
        "name": name,
        "kind": "government_purchase",
        "category": "skills_training",
        "responsible_person": "刘芳",
        "supervising_leader": "吴桂兰",
        "overall_goal": "全年培训农村妇女10000人，扶持创业1000人，带动就业5000人",
        "start_date": f"{year}-01-01",
        "end_date": f"{year}-12-31",
        "target_groups": ["农村妇女"],
        "target_beneficiaries": 10000,
        "funder": "区财政",
        **extra,
    }


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% HalfSky test\n"


def build(stack: Stack) -> World:
    """Sign everyone in and create the records the suite works on."""
    http = httpx.Client(base_url=stack.base_url, timeout=30)
    w = World(stack, http)
    w.callers["root"] = Caller.from_token("root", w.login("admin", stack.admin_password or ""))
    for persona, username in PERSONA_USERS.items():
        w.callers[persona] = Caller.from_token(persona, w.login(username))
    w.callers["anonymous"] = Caller("anonymous", {})
    _gateway_objects(w)
    for persona in ("partner", "intake_only"):
        w.callers[persona] = Caller.from_token(persona, w.client_token(w.clients[persona]))
    _cases(w)
    _projects(w)
    _indicators(w)
    return w


def _gateway_objects(w: World) -> None:
    units = w.call("root", "GET", "/api/org-units/" + unit_id(w, "440106") + "/subtree", expect=200).json()
    w.ids["tianhe_unit"] = unit_id(w, "440106")
    w.ids["liwan_unit"] = unit_id(w, "440103")
    w.ids["unit_id"] = w.ids["tianhe_unit"]
    assert units
    me = w.call("case_worker", "GET", "/api/auth/me", expect=200).json()
    w.ids["user_id"] = me["id"]
    for name, scopes in (("partner", ALL_SCOPES), ("intake_only", ["cases:intake"])):
        body = {
            "name": f"天河区公安分局-{name}",
            "agency": "police",
            "scopes": scopes,
            "org_unit_id": w.ids["tianhe_unit"],
        }
        w.clients[name] = w.call("root", "POST", "/api/clients", json=body, expect=201).json()
    w.ids["client_id"] = w.clients["partner"]["id"]
    for username, roles in LIWAN_STAFF.items():
        body = {
            "username": username,
            "name": f"荔湾{roles[0]}",
            "password": STAFF_PASSWORD,
            "roles": roles,
            "org_unit_id": w.ids["liwan_unit"],
        }
        w.call("root", "POST", "/api/users", json=body, expect=(201, 409))  # 409: a re-run on the same stack
        w.callers[username] = Caller.from_token(username, w.login(username, STAFF_PASSWORD))


def unit_id(w: World, code: str) -> str:
    found = w.http.get("/api/org-units", params={"q": code}, headers=w.callers["root"].headers)
    for unit in found.json() if isinstance(found.json(), list) else found.json().get("items", []):
        if unit["code"] == code:
            return str(unit["id"])
    # Fall back to walking the tree from the roots.
    todo = list(w.http.get("/api/org-units", headers=w.callers["root"].headers).json())
    while todo:
        unit = todo.pop()
        if unit["code"] == code:
            return str(unit["id"])
        if code.startswith(unit["code"]):
            todo += w.http.get(f"/api/org-units/{unit['id']}/children", headers=w.callers["root"].headers).json()
    raise AssertionError(f"no org unit {code}")


def _cases(w: World) -> None:
    """Cases in both districts, with every kind of record hanging off the 天河区 one."""
    cw = "case_worker"
    first = w.call(cw, "POST", "/api/cases", json=case_body("王芳", 11110001), expect=201).json()
    second = w.call(cw, "POST", "/api/cases", json=case_body("王芳", 11110001, "再次来电求助"), expect=201).json()
    w.ids["case_id"], w.ids["other_id"] = first["id"], second["id"]
    w.ids["person_id"] = first["victim"]["id"]
    w.ids["case_number"] = first["number"]
    w.call("hotline_operator", "POST", "/api/cases", json=case_body("陈丽", 11110002, "热线登记"), expect=201)
    key = {"Idempotency-Key": uuid.uuid4().hex}
    w.call("partner", "POST", "/api/cases/intake", json=case_body("林燕", 11110003), headers=key, expect=201)
    for i in range(3):
        body = case_body(f"荔湾{i}", 22220000 + i, "荔湾区来电")
        w.call("other_region", "POST", "/api/cases", json=body, expect=201)
    cid = w.ids["case_id"]
    case = f"/api/cases/{cid}"
    w.call(
        cw, "POST", f"{case}/transitions", json={"to": "accepted"}, headers={"If-Match": w.etag(cw, case)}, expect=200
    )
    w.call(
        cw,
        "PUT",
        f"{case}/assignment",
        json={"handler_id": w.callers[cw].id, "handler_name": "李晓红"},
        headers={"If-Match": w.etag(cw, case)},
        expect=200,
    )
    w.call(
        cw, "PATCH", case, json={"summary": "丈夫多次殴打，已受理"}, headers={"If-Match": w.etag(cw, case)}, expect=200
    )
    w.call(cw, "POST", f"{case}/actions", json={"kind": "phone_call", "summary": "电话回访，了解近况"}, expect=201)
    risk = {"physical_violence": True, "threats_to_kill": False}
    w.call(cw, "POST", f"{case}/risk-assessments", json={"answers": risk}, headers={"If-Match": w.etag(cw, case)})
    w.call(cw, "PUT", f"{case}/duplicates/{w.ids['other_id']}", json={"status": "duplicate"})
    files = {"file": ("伤情照片.png", PNG, "image/png")}
    att = w.call(cw, "POST", f"{case}/attachments", files=files, data={"description": "手臂淤青"}, expect=201)
    w.ids["cases:attachment_id"] = att.json()["id"]
    today = datetime.now(UTC).date().isoformat()
    order = {"kind": "protection_order", "authority": "天河区人民法院", "applied_on": today}
    w.ids["measure_id"] = w.call(cw, "POST", f"{case}/legal-measures", json=order, expect=201).json()["id"]
    partner = {
        "org_path": TIANHE,
        "name": "天河区公安分局",
        "agency": "police",
        "client_id": w.clients["partner"]["client_id"],
    }
    registered = w.call("leader", "POST", "/api/cases/partners", json=partner, expect=201).json()
    w.ids["partner_id"] = registered["id"]
    point = {"org_path": TIANHE, "name": "天河区妇女儿童维权站", "kind": "consultation_station"}
    w.call("leader", "POST", "/api/cases/service-points", json=point, expect=201)
    referral = w.call(
        cw, "POST", f"{case}/referrals", json={"partner_id": registered["id"], "service": "police"}, expect=201
    )
    w.ids["referral_id"] = referral.json()["id"]
    due = (datetime.now(UTC) + timedelta(days=7)).date().isoformat()
    sup = w.call("city_leader", "POST", f"{case}/supervisions", json={"instruction": "请尽快办结", "due_on": due})
    if sup.status_code == 201:
        w.ids["supervision_id"] = sup.json()["id"]
    other = f"/api/cases/{w.ids['other_id']}"
    w.call(cw, "POST", f"{other}/transitions", json={"to": "accepted"}, headers={"If-Match": w.etag(cw, other)})
    transfer = w.call(cw, "POST", f"{other}/transfers", json={"to_org_path": TIANHE_STREET, "reason": "交街道办理"})
    if transfer.status_code == 201:
        w.ids["transfer_id"] = transfer.json()["id"]
    # Reveals: the detail in full, a person in full, an attachment download.
    w.call(cw, "GET", f"{case}?reveal=true&reason=回访核实", expect=200)
    w.call(cw, "GET", f"/api/cases/persons/{w.ids['person_id']}?reveal=true&reason=核实身份", expect=200)
    w.call(cw, "GET", f"{case}/attachments/{w.ids['cases:attachment_id']}/content", expect=200)


def _projects(w: World) -> None:
    """A running project in 天河区 with plans, people, money and files, and one in 荔湾区."""
    pm, leader = "project_manager", "leader"
    w.ids.update({"kind": "final", "step": "certify", "action": "submit", "phase": "mobilise"})
    project = w.call(pm, "POST", "/api/projects", json=project_body("巾帼创业就业技能培训"), expect=201).json()
    pid = project["id"]
    w.ids["project_id"] = pid
    base = f"/api/projects/{pid}"
    w.call(pm, "POST", f"{base}/actions/submit", expect=200)
    w.call(leader, "POST", f"{base}/actions/start_review", expect=200)
    review = {"score": 86, "recommendation": "approve", "opinion": "目标明确，预算合理，同意立项"}
    w.call(leader, "POST", f"{base}/reviews", json=review, expect=201)
    w.call(leader, "POST", f"{base}/actions/approve", expect=200)
    w.call(pm, "POST", f"{base}/actions/start", expect=200)
    year = datetime.now(UTC).year
    target = {"measure": "women_trained", "period": str(year), "value": 1000}
    w.ids["projects:target_id"] = w.call(pm, "POST", f"{base}/targets", json=target, expect=201).json()["target"]["id"]
    pdf = {"Content-Type": "application/pdf"}
    upload = w.call(pm, "POST", f"{base}/attachments?filename=培训签到表.pdf", content=PDF, headers=pdf, expect=201)
    w.ids["projects:attachment_id"] = upload.json()["id"]
    today = datetime.now(UTC).date().isoformat()
    woman = {"name": "李晓红", "registered_on": today, "target_group": "农村妇女", "phone": "13812345678"}
    person = w.call(pm, "POST", f"{base}/beneficiaries", json=woman, expect=201).json()
    w.ids["beneficiary_id"] = person["id"]
    trained = {"kind": "trained", "achieved_on": today}
    outcome = w.call(pm, "POST", f"{base}/beneficiaries/{person['id']}/outcomes", json=trained, expect=201)
    w.ids["outcome_id"] = outcome.json()["id"]
    lecture = {"kind": "lecture", "title": "家庭教育讲座", "held_on": today, "participant_count": 40}
    w.ids["activity_id"] = w.call(pm, "POST", f"{base}/activities", json=lecture, expect=201).json()["id"]
    money = {"source": "finance", "item": "培训费", "amount_fen": 5_000_000}
    w.ids["line_id"] = w.call(pm, "POST", f"{base}/budget/lines", json=money, expect=201).json()["id"]
    loan = {
        "borrower": {"name": "黄秀兰", "registered_on": today, "org_path": TIANHE_VILLAGE, "target_group": "农村妇女"},
        "applied_on": today,
        "amount_fen": 10_000_000,
        "business": "生猪养殖",
        "jobs_created": 5,
    }
    w.ids["loan_id"] = w.call(pm, "POST", f"{base}/loans", json=loan, expect=201).json()["id"]
    fix = [{"requirement": "补齐签到表", "due_on": today}]
    visit = {"visited_on": today, "opinions": "台账不全", "rectifications": fix}
    sup = w.call("city_leader", "POST", f"{base}/supervision", json=visit, expect=201)
    w.ids["rectification_id"] = _first_id(sup.json(), "rectifications")
    criteria = [
        {"code": "goals", "name": "目标完成情况", "weight": 60, "max_score": 100},
        {"code": "funds", "name": "资金使用情况", "weight": 40, "max_score": 100},
    ]
    w.call(leader, "PUT", "/api/projects/evaluation-criteria/final", json={"criteria": criteria}, expect=(200, 201))
    w.call("lw_projects", "POST", "/api/projects", json=project_body("荔湾区妇女议事会"), expect=201)


def _first_id(body: Any, key: str) -> str:
    items = body.get(key) if isinstance(body, dict) else None
    return str(items[0]["id"]) if items else ""


def _indicators(w: World) -> None:
    """The demo catalogue: an indicator, a plan, an element, a data set."""
    for key, path in (
        ("indicators:indicators:code", "/api/indicators"),
        ("indicators:plans:code", "/api/indicators/plans"),
        ("indicators:data-elements:code", "/api/indicators/data-elements"),
        ("indicators:data-sets:code", "/api/indicators/data-sets"),
        ("indicators:validation-rules:code", "/api/indicators/validation-rules"),
    ):
        r = w.call("leader", "GET", path)
        if r.status_code == 200:
            body = r.json()
            items = body["items"] if isinstance(body, dict) and "items" in body else body
            if items:
                w.ids[key] = str(items[0].get("code", ""))
    w.ids["indicators:periods:code"] = "2026"
    w.ids["indicator"] = w.ids["indicators:indicators:code"]
    w.ids["query:indicators"] = w.ids["indicators:indicators:code"]
    reports = w.call("statistician", "GET", "/api/indicators/reports", expect=200).json()["items"]
    form = next(r for r in reports if r["org_path"].startswith(TIANHE))
    w.ids["data_set"] = w.ids["query:data_set"] = form["data_set"]
    w.ids["org"] = form["org_path"].strip("/").rsplit("/", 1)[-1]
    w.ids["indicators:forms:period"] = w.ids["period"] = form["period"]
    code = w.ids["indicators:indicators:code"]
    targets = w.call("leader", "GET", f"/api/indicators/{code}/targets", expect=200).json()
    targets = targets["items"] if isinstance(targets, dict) else targets
    if targets:
        w.ids["indicators:target_id"] = str(targets[0]["id"])


TEMPLATE_PARAM = re.compile(r"\{([^}]+)\}")

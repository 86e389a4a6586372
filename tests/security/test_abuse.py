"""Hostile input: odd strings in every text field, wrong types, oversized bodies, bad uploads, request floods."""

import csv
import io
import json
import re
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

import httpx
import openpyxl
import pytest
from security_world import (
    INTAKE_LIMIT,
    LOGIN_DELAY_AFTER,
    LOGIN_LIMIT_PER_IP,
    PASSWORD,
    PDF,
    PNG,
    STAFF_PASSWORD,
    World,
    case_body,
    project_body,
)

NASTY = {
    "sql": "'; DROP TABLE rights_case; -- \" OR 1=1 --",
    "sql_like": "%_\\' OR '1'='1",
    "nul": "王芳\x00",
    "controls": "第一行\n第二行\t制表\r\x07\x1b[31m红\x1b[0m",
    "bidi": "王\u202e芳\u200b\ufeff",
    "mixed_script": "王芳 Wang Fang Ваня ٣٤٥ 🙂 𠀀 ｗａｎｇ",
    "very_long": "长" * 10_050,
    "html": "<script>alert(1)</script><img src=x onerror=alert(1)>",
}


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], str]]:
    """Every string in a JSON body, with its path."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from leaves(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from leaves(v, (*path, i))


def replaced(body: Any, path: tuple[Any, ...], value: Any) -> Any:
    body = json.loads(json.dumps(body))
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return body


def strings_in(value: Any) -> set[str]:
    return {s for _, s in leaves(value)}


def check_answer(r: httpx.Response, sent: str, where: str) -> None:
    """Accepted and kept exactly, or refused as problem+json naming a field; never a server error."""
    assert r.status_code < 500, (where, r.status_code, r.text[:300])
    if r.status_code in (200, 201):
        return
    assert r.status_code in (409, 415, 422), (where, r.status_code, r.text[:300])
    assert r.headers["content-type"] == "application/problem+json", where
    if r.status_code == 422:
        fields = [e["field"] for e in r.json().get("errors", [])]
        assert fields and all(fields), (where, r.text[:300])


def _case(world: World) -> tuple[str, str, Callable[[], dict[str, Any]], str]:
    return ("case_worker", "/api/cases", lambda: case_body("王芳", 44440001, source_agency="派出所"), "/api/cases/{id}")


def _project(world: World) -> tuple[str, str, Callable[[], dict[str, Any]], str]:
    return ("project_manager", "/api/projects", lambda: project_body("巾帼家政培训"), "/api/projects/{id}")


def _beneficiary(world: World) -> tuple[str, str, Callable[[], dict[str, Any]], str]:
    pid = world.ids["project_id"]
    today = datetime.now(UTC).date().isoformat()
    body = {"name": "李晓红", "registered_on": today, "target_group": "农村妇女", "note": "建档立卡户"}
    return ("project_manager", f"/api/projects/{pid}/beneficiaries", lambda: dict(body), "")


def _action(world: World) -> tuple[str, str, Callable[[], dict[str, Any]], str]:
    body = {"kind": "home_visit", "summary": "入户走访", "detail": {"place": "林和街道"}}
    return ("case_worker", f"/api/cases/{world.ids['case_id']}/actions", lambda: dict(body), "")


def _user(world: World) -> tuple[str, str, Callable[[], dict[str, Any]], str]:
    def body() -> dict[str, Any]:
        return {
            "username": f"u{uuid.uuid4().hex[:10]}",
            "name": "王芳",
            "phone": "13812345678",
            "password": STAFF_PASSWORD,
            "roles": ["case_worker"],
            "org_unit_id": world.ids["tianhe_unit"],
        }

    return ("admin", "/api/users", body, "/api/users/{id}")


def _element(world: World) -> tuple[str, str, Callable[[], dict[str, Any]], str]:
    def body() -> dict[str, Any]:
        return {
            "code": f"sec_{uuid.uuid4().hex[:8]}",
            "name_zh": "参加培训妇女人数",
            "value_type": "integer",
            "period_type": "quarter",
            "unit_label": "人",
            "description": "按季度统计",
        }

    return ("statistician", "/api/indicators/data-elements", body, "/api/indicators/data-elements/{code}")


def _budget_line(world: World) -> tuple[str, str, Callable[[], dict[str, Any]], str]:
    body = {"source": "finance", "item": "宣传材料", "amount_fen": 100_000, "note": "印刷"}
    return ("project_manager", f"/api/projects/{world.ids['project_id']}/budget/lines", lambda: dict(body), "")


CREATES = {
    "budget_line": _budget_line,
    "case": _case,
    "project": _project,
    "beneficiary": _beneficiary,
    "case_action": _action,
    "user": _user,
    "data_element": _element,
}


@pytest.mark.parametrize("what", sorted(CREATES))
def test_odd_strings_in_every_text_field_are_kept_exactly_or_refused_by_name(world: World, what: str) -> None:
    who, url, body_of, detail = CREATES[what](world)
    probe = world.call(who, "POST", url, json=body_of())
    assert probe.status_code == 201, (what, probe.text[:300])  # the untouched body is valid
    for path, _ in list(leaves(body_of())):
        if path[-1] in {"org_unit_id", "password", "registered_on", "birth_date", "id_number", "phone"}:
            continue  # formats, not free text: the wrong-type test covers them
        for name, nasty in NASTY.items():
            r = world.call(who, "POST", url, json=replaced(body_of(), path, nasty))
            where = f"{what}.{'.'.join(map(str, path))} = {name}"
            check_answer(r, nasty, where)
            if r.status_code == 201 and detail:
                shown = world.call(
                    who, "GET", detail.format(**r.json()) + ("?reveal=true&reason=核对原文" if what == "case" else "")
                )
                assert nasty in strings_in(shown.json()), f"{where}: stored differently"


def _spec(world: World, url: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The OpenAPI document that describes `url` and the operation of POST on it."""
    service = url.removeprefix("/api/").split("/", 1)[0]
    own = service in ("cases", "projects", "indicators")
    spec = httpx.get(f"{world.service_url(service)}/openapi.json" if own else f"{world.base}/api/openapi.json").json()
    path = url.removeprefix("/api") if own else url
    for template, operations in spec["paths"].items():
        if re.fullmatch(re.sub(r"\{[^}]+\}", "[^/]+", template), path) and "post" in operations:
            return spec, operations["post"]
    raise AssertionError(f"no POST {url} in the OpenAPI")


def max_lengths(spec: dict[str, Any], schema: dict[str, Any], path: tuple[str, ...] = ()) -> dict[tuple[str, ...], int]:
    """Every string property with a documented maxLength, by its path in the body."""
    if "$ref" in schema:
        return max_lengths(spec, spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], path)
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return max_lengths(spec, option, path)
    if schema.get("type") == "string" and "maxLength" in schema:
        return {path: int(schema["maxLength"])}
    found: dict[tuple[str, ...], int] = {}
    for name, sub in schema.get("properties", {}).items():
        found.update(max_lengths(spec, sub, (*path, name)))
    return found


@pytest.mark.parametrize("what", sorted(CREATES))
def test_text_as_long_as_the_schema_allows_is_stored_not_a_500(world: World, what: str) -> None:
    """The documented maxLength must fit the column behind it (schemathesis found fields where it did not)."""
    who, url, body_of, _ = CREATES[what](world)
    spec, operation = _spec(world, url)
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    limits = max_lengths(spec, schema)
    present = {path for path, _ in leaves(body_of())}
    assert limits, what
    for path, limit in limits.items():
        if path not in present or path[-1] in {"username", "password", "phone", "code", "id_number"}:
            continue  # a field the body leaves out, or one with a format of its own
        r = world.call(who, "POST", url, json=replaced(body_of(), path, "长" * limit))
        check_answer(r, "", f"{what}.{'.'.join(path)} at maxLength {limit}")


@pytest.mark.parametrize(
    ("who", "path", "param"),
    [
        ("case_worker", "/api/cases", "q"),
        ("project_manager", "/api/projects", "q"),
        ("admin", "/api/users", "q"),
        ("case_worker", "/api/cases", "org_path"),
        ("statistician", "/api/indicators/data-values", "org"),
        ("case_worker", "/api/cases", "cursor"),
    ],
)
def test_odd_strings_in_query_parameters_never_break_a_list(world: World, who: str, path: str, param: str) -> None:
    for name, nasty in NASTY.items():
        r = world.call(who, "GET", path, params={param: nasty[:200]})
        check_answer(r, nasty, f"{path}?{param}={name}")


@pytest.mark.parametrize(
    ("who", "template"),
    [
        ("statistician", "/api/indicators/{}"),
        ("statistician", "/api/indicators/data-sets/{}"),
        ("statistician", "/api/indicators/periods/{}"),
        ("case_worker", "/api/cases/{}"),
        ("admin", "/api/org-units/{}"),
    ],
)
def test_odd_strings_in_paths_are_404_or_422(world: World, who: str, template: str) -> None:
    for name, nasty in NASTY.items():
        path = template.format(quote(nasty[:300], safe=""))
        r = world.call(who, "GET", path)
        assert r.status_code in (400, 404, 422), (template, name, r.status_code, r.text[:200])
        assert r.headers["content-type"] == "application/problem+json", (template, name)


WRONG_TYPES = [
    ("summary", 12345),
    ("summary", ["一", "二"]),
    ("victim", "王芳"),
    ("secondary_categories", "marriage_family"),
    ("received_at", "昨天"),
    ("received_at", "2999-01-01T00:00:00Z"),
    ("channel", None),
    ("respondents", {"person": {}}),
]


@pytest.mark.parametrize(("field", "value"), WRONG_TYPES)
def test_wrong_types_are_422_naming_the_field(world: World, field: str, value: Any) -> None:
    body = {**case_body("王芳", 44440002), field: value}
    r = world.call("case_worker", "POST", "/api/cases", json=body)
    assert r.status_code == 422, r.text[:300]
    assert r.headers["content-type"] == "application/problem+json"
    assert any(e["field"].split(".")[0] == field for e in r.json()["errors"]), r.text[:300]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/projects", {**project_body("x"), "target_beneficiaries": 10**30}),
        ("/api/projects", {**project_body("x"), "start_date": "2026-02-30"}),
        ("/api/projects", {**project_body("x"), "end_date": "2020-01-01"}),
    ],
)
def test_out_of_range_numbers_and_dates_are_422(world: World, path: str, body: dict[str, Any]) -> None:
    r = world.call("project_manager", "POST", path, json=body)
    assert r.status_code == 422, r.text[:300]
    assert r.json()["errors"][0]["field"]


def test_malformed_json_is_422_not_500(world: World) -> None:
    for raw in (b"{", b'{"summary": "\xff\xfe"}', b"\xef\xbb\xbf{}", b"[" * 5000 + b"]" * 5000):
        r = world.call("case_worker", "POST", "/api/cases", content=raw, headers={"Content-Type": "application/json"})
        assert r.status_code in (400, 422), (raw[:20], r.status_code, r.text[:200])
        assert r.headers["content-type"] == "application/problem+json"


# -- body size ----------------------------------------------------------------------------------------------------

LIMIT = 20 * 1024 * 1024  # the gateway's GATEWAY_MAX_BODY_BYTES default


@pytest.mark.parametrize("path", ["/api/cases", "/api/projects", "/api/users", "/api/auth/login"])
def test_a_body_over_the_gateways_limit_is_413(world: World, path: str) -> None:
    big = b'{"summary": "' + b"x" * (LIMIT + 1024) + b'"}'
    r = world.call("admin", "POST", path, content=big, headers={"Content-Type": "application/json"})
    assert r.status_code == 413, (path, r.status_code, r.text[:200])
    assert r.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize("path", ["/api/cases", "/api/auth/login"])
def test_a_streamed_body_over_the_limit_is_cut_off_with_413(world: World, path: str) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"summary": "'
        for _ in range(LIMIT // (1024 * 1024) + 2):
            yield b"x" * 1024 * 1024
        yield b'"}'

    r = world.call("admin", "POST", path, content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413, (path, r.status_code, r.text[:200])


# -- uploads ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "content", "declared", "status"),
    [
        ("../../../../etc/passwd.png", PNG, "image/png", 422),
        ("..\\..\\windows\\win.ini.png", PNG, "image/png", 422),
        ("伤情.png", b"<html><script>alert(1)</script></html>", "image/png", 415),
        ("伤情.html", b"<html><script>alert(1)</script></html>", "text/html", 415),
        ("报告.pdf", b"MZ\x90\x00\x03" + b"\x00" * 60, "application/pdf", 415),
        ("报告.pdf", PNG, "application/pdf", 415),
        ("空.png", b"", "image/png", 422),
        ("ok%2e%2e%2f.png", PNG, "image/png", 201),
    ],
)
def test_case_attachment_uploads_refuse_traversal_and_wrong_types(
    world: World, filename: str, content: bytes, declared: str, status: int
) -> None:
    url = f"/api/cases/{world.ids['case_id']}/attachments"
    r = world.call("case_worker", "POST", url, files={"file": (filename, content, declared)})
    assert r.status_code == status, (filename, r.status_code, r.text[:200])
    if status == 201:
        assert r.json()["filename"] == filename
        got = world.call("case_worker", "GET", f"{url}/{r.json()['id']}/content", expect=200)
        assert got.content == content and got.headers["x-content-type-options"] == "nosniff"
        assert got.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize(
    ("filename", "content", "declared", "status"),
    [
        ("../../../../etc/passwd.pdf", PDF, "application/pdf", 201),
        ("报告.pdf", b"<html><script>alert(1)</script></html>", "application/pdf", 415),
        ("照片.png", b"MZ\x90\x00\x03" + b"\x00" * 60, "image/png", 415),
        ("页面.html", b"<html></html>", "text/html", 415),
        ("无类型.pdf", PDF, "", 415),
        ("空.pdf", b"", "application/pdf", 422),
    ],
)
def test_project_uploads_refuse_wrong_types_and_keep_names_flat(
    world: World, filename: str, content: bytes, declared: str, status: int
) -> None:
    pid = world.ids["project_id"]
    headers = {"Content-Type": declared} if declared else {}
    r = world.call(
        "project_manager",
        "POST",
        f"/api/projects/{pid}/attachments",
        params={"filename": filename},
        content=content,
        headers=headers,
    )
    assert r.status_code == status, (filename, r.status_code, r.text[:200])
    if status == 201:
        assert "/" not in r.json()["filename"] and "\\" not in r.json()["filename"]


def test_uploaded_files_stay_inside_the_attachment_folder(world: World) -> None:
    cases_dir = world.stack.data_dir / "cases"
    stray = [
        p
        for p in world.stack.data_dir.rglob("*")
        if p.is_file()
        and p.is_relative_to(cases_dir)
        and not p.is_relative_to(cases_dir / "attachments")
        and not p.is_relative_to(cases_dir / "keys")
    ]
    assert not stray, stray
    assert not any(p.name == "passwd.png" for p in world.stack.data_dir.rglob("*"))


# -- rate limits ----------------------------------------------------------------------------------------------------


def _login(world: World, username: str, ip: str) -> httpx.Response:
    return world.http.post(
        "/api/auth/login", json={"username": username, "password": "wrong-password-1"}, headers={"X-Forwarded-For": ip}
    )


@pytest.mark.parametrize("username", ["th_stats", "ghost-nobody"])
def test_sign_in_failures_delay_that_account_from_that_address_only(world: World, username: str) -> None:
    """A real name and an unknown one answer alike; a stranger's failures never keep the owner out elsewhere."""
    ip = world.fresh_ip()
    codes = [_login(world, username, ip).status_code for _ in range(LOGIN_DELAY_AFTER)]
    assert codes == [401] * LOGIN_DELAY_AFTER
    right = {"username": username, "password": PASSWORD}
    over = world.http.post("/api/auth/login", json=right, headers={"X-Forwarded-For": ip})
    assert over.status_code == 429 and over.json()["code"] == "sign_in_delayed"
    assert 1 <= int(over.headers["retry-after"]) <= 30
    assert over.headers["content-type"] == "application/problem+json"
    # The same account from any other address: not delayed (the real one signs in, the unknown one is just wrong).
    elsewhere = world.http.post("/api/auth/login", json=right, headers={"X-Forwarded-For": world.fresh_ip()})
    assert elsewhere.status_code == (200 if username == "th_stats" else 401)


def test_sign_in_is_limited_per_address_with_retry_after(world: World) -> None:
    ip = "203.0.113.77"
    codes = [_login(world, f"ghost{i}-{uuid.uuid4().hex[:4]}", ip).status_code for i in range(LOGIN_LIMIT_PER_IP)]
    assert codes == [401] * LOGIN_LIMIT_PER_IP
    over = _login(world, "ghost-last", ip)
    assert over.status_code == 429 and int(over.headers["retry-after"]) >= 1
    # Even the right password waits: the limit comes before the check.
    right = world.http.post(
        "/api/auth/login", json={"username": "th_stats", "password": PASSWORD}, headers={"X-Forwarded-For": ip}
    )
    assert right.status_code == 429
    assert _login(world, "ghost-elsewhere", world.fresh_ip()).status_code == 401


def test_partner_intake_is_limited_per_client_with_retry_after(world: World) -> None:
    made = []
    for name in ("flood", "calm"):
        body = {"name": f"天河区法院-{name}", "agency": "court", "scopes": ["cases:intake"]}
        made.append(
            world.call(
                "root", "POST", "/api/clients", json={**body, "org_unit_id": world.ids["tianhe_unit"]}, expect=201
            ).json()
        )
    flood, calm = (httpx.Headers({"Authorization": f"Bearer {world.client_token(c)}"}) for c in made)

    def intake(headers: httpx.Headers) -> httpx.Response:
        body = case_body("林燕", 55550001, channel="partner_referral")
        return world.http.post("/api/cases/intake", json=body, headers={**headers, "Idempotency-Key": uuid.uuid4().hex})

    codes = [intake(flood).status_code for _ in range(INTAKE_LIMIT)]
    assert codes == [201] * INTAKE_LIMIT
    over = intake(flood)
    assert over.status_code == 429 and 1 <= int(over.headers["retry-after"]) <= 60
    assert over.headers["content-type"] == "application/problem+json"
    assert intake(calm).status_code == 201


def test_exports_make_formulas_and_control_characters_inert(world: World) -> None:
    """CSV and XLSX open in spreadsheet programs: a name starting with = must not run, a BEL must not break XLSX."""
    formula = '=HYPERLINK("http://evil.example/","点击")'
    case = case_body(formula, 66660001, summary="响铃\x07转义\x1b")
    world.call("case_worker", "POST", "/api/cases", json=case, expect=201)
    world.call("project_manager", "POST", "/api/projects", json=project_body("@SUM(1+1)\x07培训"), expect=201)
    for path, who in (("/api/cases/export", "case_worker"), ("/api/projects/export", "project_manager")):
        text = world.call(who, "GET", path, params={"format": "csv"}, expect=200).content.decode("utf-8-sig")
        cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
        assert not [c for c in cells if c[:1] in ("=", "+", "@")], path
        assert not [c for c in cells if "\x07" in c or "\x1b" in c], path
        book = world.call(who, "GET", path, params={"format": "xlsx"}, expect=200)
        sheet = openpyxl.load_workbook(io.BytesIO(book.content)).active
        values = [str(v) for row in sheet.iter_rows(values_only=True) for v in row if v is not None]
        assert any(v.startswith("'=HYPERLINK") or v.startswith("'@SUM") for v in values), path


def test_numbers_the_database_cannot_hold_are_422_not_500(world: World) -> None:
    """Found by schemathesis: a validation rule's bound of 1e110 overflowed its numeric column."""
    element = world.ids["indicators:data-elements:code"]
    rule = {"code": f"sec_{uuid.uuid4().hex[:8]}", "name_zh": "上限", "kind": "range", "element": element}
    for bound in ("7.5e110", "-1e300"):
        r = world.call("statistician", "POST", "/api/indicators/validation-rules", json={**rule, "min_value": bound})
        assert r.status_code == 422, (bound, r.status_code, r.text[:200])
        assert r.headers["content-type"] == "application/problem+json"

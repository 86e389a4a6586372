"""Tokens against the running system: forged, a disabled user's, a partner's beyond its scopes, a replayed refresh."""

import time
import uuid

import httpx
import pytest
from jose import jwt
from security_world import PASSWORD, STAFF_PASSWORD, TIANHE, World, case_body

from halfsky_common.testing import forged_tokens

SERVICE_ROUTES = {"cases": "/cases", "projects": "/projects", "indicators": "/indicators"}
# A service learns of a revocation from the gateway's list: one gateway reload plus one poll (5 + 5 s by default);
# the rest is slack for a busy machine.
SERVICE_BOUND = 20.0
NEW_PASSWORD = "Violet-harbour-7391"


def _refused_within(url: str, headers: dict[str, str], seconds: float, method: str = "GET") -> httpx.Response:
    """Ask until the token is refused (401) or the time is up; the last answer."""
    deadline = time.monotonic() + seconds
    r = httpx.request(method, url, headers=headers, timeout=10)
    while r.status_code != 401 and time.monotonic() < deadline:
        time.sleep(0.2)
        r = httpx.request(method, url, headers=headers, timeout=10)
    return r


def _forged(world: World) -> dict[str, str]:
    keys = world.stack.data_dir / "keys"
    return forged_tokens((keys / "jwt-public.pem").read_text(), (keys / "jwt-private.pem").read_text())


def test_forged_tokens_are_refused_by_every_service_and_the_gateway(world: World) -> None:
    targets = [f"{world.service_url(s)}{path}" for s, path in SERVICE_ROUTES.items()]
    targets += [f"{world.base}/api{path}" for path in SERVICE_ROUTES.values()]
    targets += [f"{world.base}/api/auth/me", f"{world.base}/api/users", f"{world.base}/api/clients"]
    refused = []
    for kind, token in _forged(world).items():
        for url in targets:
            r = httpx.get(url, headers={"Authorization": f"Bearer {token}"}, timeout=10)
            if not (r.status_code == 401 and r.headers["content-type"] == "application/problem+json"):
                refused.append((kind, url, r.status_code))
            # Signed with the real key, an expired token is refused as expired: the signature was not the reason.
            if kind == "expired":
                assert r.json().get("code") == "token_expired", (url, r.text)
    assert not refused, f"forged tokens let through: {refused}"


def test_a_token_without_the_bearer_scheme_or_with_two_is_refused(world: World) -> None:
    token = world.callers["admin"].headers["Authorization"].split()[1]
    for header in (token, f"Basic {token}", f"Bearer {token} {token}", "Bearer"):
        r = httpx.get(f"{world.base}/api/cases", headers={"Authorization": header}, timeout=10)
        assert r.status_code == 401, (header[:20], r.status_code)


def test_a_disabled_users_access_token_is_refused_within_seconds(world: World) -> None:
    """Chosen over documenting the 15 minutes: a revocation check at the gateway (see docs/api.md, Tokens)."""
    username = f"th_temp_{uuid.uuid4().hex[:6]}"
    body = {"username": username, "name": "临时工作人员", "password": STAFF_PASSWORD, "roles": ["case_worker"]}
    created = world.call("admin", "POST", "/api/users", json={**body, "org_unit_id": world.ids["tianhe_unit"]})
    assert created.status_code == 201, created.text
    headers = {"Authorization": f"Bearer {world.login(username, STAFF_PASSWORD)}"}
    assert httpx.get(f"{world.base}/api/cases", headers=headers).status_code == 200
    disable = {"If-Match": created.headers["ETag"]}
    world.call("admin", "PATCH", f"/api/users/{created.json()['id']}", json={"disabled": True}, headers=disable)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        r = httpx.get(f"{world.base}/api/cases", headers=headers)
        if r.status_code == 401:
            break
        time.sleep(0.2)
    assert r.status_code == 401 and r.json()["code"] == "account_disabled"
    assert httpx.get(f"{world.base}/api/auth/me", headers=headers).status_code == 401
    # The service, called directly, learns it from the gateway's list within the same bound.
    direct = _refused_within(f"{world.service_url('cases')}/cases", headers, SERVICE_BOUND)
    assert direct.status_code == 401 and direct.json()["code"] == "account_disabled"
    # The tokens of everyone else still work.
    assert httpx.get(f"{world.base}/api/cases", headers=world.callers["case_worker"].headers).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/api/cases/referrals"),  # needs cases:referrals
        ("GET", "/api/cases/stats/feed?period=2026"),  # needs stats:read
        ("GET", "/api/projects/stats/feed?period=2026"),
        ("GET", "/api/cases"),  # partners never read cases
        ("GET", "/api/projects"),
        ("GET", "/api/indicators"),
        ("POST", "/api/cases"),  # staff registration, not partner intake
        ("GET", "/api/users"),
    ],
)
def test_a_partner_token_outside_its_scopes_is_403(world: World, method: str, path: str) -> None:
    kwargs = {"json": case_body("林燕", 33330001)} if method == "POST" else {}
    r = world.call("intake_only", method, path, **kwargs)
    assert r.status_code == 403, (path, r.status_code, r.text[:200])
    assert r.headers["content-type"] == "application/problem+json"


def test_the_same_partner_token_works_inside_its_scope(world: World) -> None:
    body = case_body("林燕", 33330002, channel="partner_referral")
    r = world.call("intake_only", "POST", "/api/cases/intake", json=body, headers={"Idempotency-Key": uuid.uuid4().hex})
    assert r.status_code == 201, r.text
    assert set(r.json()) == {"id", "number", "status", "received_at", "risk_level", "urgent"}
    assert world.call("intake_only", "GET", f"/api/cases/{r.json()['id']}").status_code == 403


def test_a_replayed_refresh_token_ends_the_whole_sign_in(world: World) -> None:
    first = world.http.post(
        "/api/auth/login",
        json={"username": "th_stats", "password": PASSWORD},
        headers={"X-Forwarded-For": world.fresh_ip()},
    ).json()
    second = world.http.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    third = world.http.post("/api/auth/refresh", json={"refresh_token": second.json()["refresh_token"]})
    assert third.status_code == 200
    replay = world.http.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["code"] == "token_reused"
    # Every token of that family is dead now, the newest one included.
    newest = world.http.post("/api/auth/refresh", json={"refresh_token": third.json()["refresh_token"]})
    assert newest.status_code == 401
    # Another sign-in of the same user is another family and lives on.
    other = world.http.post(
        "/api/auth/login",
        json={"username": "th_stats", "password": PASSWORD},
        headers={"X-Forwarded-For": world.fresh_ip()},
    ).json()
    assert world.http.post("/api/auth/refresh", json={"refresh_token": other["refresh_token"]}).status_code == 200


def test_access_tokens_are_short_lived(world: World) -> None:
    for who in ("case_worker", "partner"):
        token = world.callers[who].headers["Authorization"].split()[1]
        claims = jwt.get_unverified_claims(token)
        assert claims["exp"] - claims["iat"] == 15 * 60
        assert claims["org_path"] == TIANHE


def _new_client(world: World, scopes: list[str]) -> dict[str, object]:
    body = {"name": f"天河区法院-{uuid.uuid4().hex[:6]}", "agency": "court", "scopes": scopes}
    r = world.call("admin", "POST", "/api/clients", json={**body, "org_unit_id": world.ids["tianhe_unit"]}, expect=201)
    return {**r.json(), "etag": f'W/"{r.json()["version"]}"'}


def _change_client(world: World, client: dict[str, object], **change: object) -> None:
    r = world.call(
        "admin", "PATCH", f"/api/clients/{client['id']}", json=change, headers={"If-Match": str(client["etag"])}
    )
    assert r.status_code == 200, r.text
    client["etag"] = r.headers["ETag"]


def test_a_disabled_clients_token_is_refused_within_seconds_by_the_gateway_and_the_services(world: World) -> None:
    client = _new_client(world, ["cases:referrals", "stats:read"])
    headers = {"Authorization": f"Bearer {world.client_token(client)}"}
    through = f"{world.base}/api/cases/referrals"
    direct = f"{world.service_url('cases')}/cases/referrals"
    feed = f"{world.service_url('projects')}/projects/stats/feed?period=2026"
    for url in (through, direct, feed):
        assert httpx.get(url, headers=headers, timeout=10).status_code == 200, url
    _change_client(world, client, disabled=True)
    at_gateway = httpx.get(through, headers=headers, timeout=10)  # the replica that disabled it: at once
    assert at_gateway.status_code == 401 and at_gateway.json()["code"] == "client_disabled"
    started = time.monotonic()
    for url in (direct, feed):  # services verify tokens themselves: refused too, within seconds
        r = _refused_within(url, headers, SERVICE_BOUND)
        assert r.status_code == 401 and r.json()["code"] == "client_disabled", (url, r.status_code, r.text[:200])
    assert time.monotonic() - started < SERVICE_BOUND
    assert httpx.get(f"{world.base}/health", timeout=10).status_code == 200
    # Every other client's token still works.
    assert world.call("partner", "GET", "/api/cases/referrals").status_code == 200


def test_a_token_carrying_a_scope_taken_from_its_client_is_refused(world: World) -> None:
    client = _new_client(world, ["cases:intake", "cases:referrals"])
    headers = {"Authorization": f"Bearer {world.client_token(client)}"}
    through = f"{world.base}/api/cases/referrals"
    direct = f"{world.service_url('cases')}/cases/referrals"
    assert httpx.get(through, headers=headers, timeout=10).status_code == 200
    assert httpx.get(direct, headers=headers, timeout=10).status_code == 200
    _change_client(world, client, scopes=["cases:intake"])
    for url, bound in ((through, 0.0), (direct, SERVICE_BOUND)):
        r = _refused_within(url, headers, bound)
        assert r.status_code == 401 and r.json()["code"] == "client_scopes_reduced", (url, r.text[:200])
    # A new token carries only what is left: the referrals are a 403 now, at both doors.
    fresh = {"Authorization": f"Bearer {world.client_token(client)}"}
    assert httpx.get(through, headers=fresh, timeout=10).status_code == 403
    assert httpx.get(direct, headers=fresh, timeout=10).status_code == 403


def test_changing_your_password_ends_your_other_sign_ins_everywhere(world: World) -> None:
    username = f"th_pw_{uuid.uuid4().hex[:6]}"
    body = {"username": username, "name": "临时工作人员", "password": STAFF_PASSWORD, "roles": ["case_worker"]}
    world.call("admin", "POST", "/api/users", json={**body, "org_unit_id": world.ids["tianhe_unit"]}, expect=201)

    def sign_in() -> dict[str, str]:
        r = world.http.post(
            "/api/auth/login",
            json={"username": username, "password": STAFF_PASSWORD},
            headers={"X-Forwarded-For": world.fresh_ip()},
        )
        assert r.status_code == 200, r.text
        return {"refresh": r.json()["refresh_token"], "Authorization": f"Bearer {r.json()['access_token']}"}

    here, there = sign_in(), sign_in()
    direct = f"{world.service_url('cases')}/cases"
    assert httpx.get(direct, headers={"Authorization": there["Authorization"]}, timeout=10).status_code == 200
    change = {"old_password": STAFF_PASSWORD, "new_password": NEW_PASSWORD}
    r = world.http.post("/api/auth/change-password", json=change, headers={"Authorization": here["Authorization"]})
    assert r.status_code == 204, r.text

    refresh = world.http.post("/api/auth/refresh", json={"refresh_token": there["refresh"]})
    assert refresh.status_code == 401 and refresh.json()["code"] == "session_ended"
    theirs = {"Authorization": there["Authorization"]}
    at_gateway = httpx.get(f"{world.base}/api/cases", headers=theirs, timeout=10)
    assert at_gateway.status_code == 401 and at_gateway.json()["code"] == "session_ended"
    at_service = _refused_within(direct, theirs, SERVICE_BOUND)
    assert at_service.status_code == 401 and at_service.json()["code"] == "session_ended"
    # The sign-in the change was made from goes on, at both doors, and refreshes.
    mine = {"Authorization": here["Authorization"]}
    assert httpx.get(f"{world.base}/api/cases", headers=mine, timeout=10).status_code == 200
    assert httpx.get(direct, headers=mine, timeout=10).status_code == 200
    assert world.http.post("/api/auth/refresh", json={"refresh_token": here["refresh"]}).status_code == 200

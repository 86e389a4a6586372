"""Reading every route from the running OpenAPI documents and probing one route as one persona."""

import asyncio
import tomllib
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from security_world import PERSONAS, SERVICES, World

MATRIX = Path(__file__).with_name("authz_matrix.toml")
COMPONENTS = ("gateway", *SERVICES)
METHODS = ("get", "post", "put", "patch", "delete")
# Required query parameters of reads, with values every reader may ask for.
QUERY_EXAMPLES = {
    "period": "2026",
    "periods": "2026",
    "format": "csv",
    "orgs": "440106",
}
# The body writes are probed with: valid JSON of the wrong type, so nothing is ever written. A route answers it
# with 422 only after authorisation let the caller through.
WRONG_BODY = "not an object"
NOT_AN_ID = "not-an-id"


@dataclass(frozen=True)
class Route:
    """One operation of one component's OpenAPI document."""

    component: str
    method: str
    path: str
    operation: dict[str, Any]

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"

    @property
    def through_gateway(self) -> bool:
        """Service routes under /{service} are reached through the gateway's /api; /health and /ready directly."""
        return self.component == "gateway" or self.path.startswith(f"/{self.component}")

    @property
    def writes(self) -> bool:
        return self.method != "GET"


def load_routes(world: World) -> list[Route]:
    """Every operation the four components publish right now."""
    routes = []
    for component in COMPONENTS:
        url = (
            f"{world.base}/api/openapi.json"
            if component == "gateway"
            else world.service_url(component) + "/openapi.json"
        )
        spec = httpx.get(url, timeout=10).json()
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                if method in METHODS:
                    routes.append(Route(component, method.upper(), path, operation))
    return routes


def load_matrix() -> dict[str, dict[str, dict[str, int]]]:
    """component → route key → persona → expected status."""
    raw = tomllib.loads(MATRIX.read_text(encoding="utf-8"))
    out: dict[str, dict[str, dict[str, int]]] = {}
    for component, rows in raw.items():
        out[component] = {}
        for key, cells in rows.items():
            codes = cells.split()
            assert len(codes) == len(PERSONAS), f"[{component}] {key}: {len(codes)} cells, want {len(PERSONAS)}"
            out[component][key] = {p: int(c) for p, c in zip(PERSONAS, codes, strict=True)}
    return out


def _param_value(world: World, route: Route, name: str, schema: dict[str, Any]) -> str:
    """A real id for a path parameter where the world made one, else something of the right shape."""
    segments = route.path.split("/")
    index = segments.index("{" + name + "}")
    before = next((s for s in reversed(segments[:index]) if s and not s.startswith("{")), "")
    for key in (f"{route.component}:{before}:{name}", f"{route.component}:{name}", f"{before}:{name}", name):
        if world.ids.get(key):
            return world.ids[key]
    if "enum" in schema:
        return str(schema["enum"][0])
    if schema.get("format") == "uuid":
        return str(uuid.uuid4())
    return "unknown"


def _invalidate(route: Route, params: dict[str, str]) -> dict[str, str]:
    """A body-less write must not happen: break an id (or choice) in its path so validation refuses it."""
    for p in route.operation.get("parameters", []):
        schema = p.get("schema", {})
        if p["in"] == "path" and (schema.get("format") == "uuid" or "$ref" in schema or "enum" in schema):
            return {**params, p["name"]: NOT_AN_ID}
    return params


def request_for(world: World, route: Route) -> tuple[str, str, dict[str, Any]]:
    """Method, URL and httpx arguments of the probe."""
    params: dict[str, str] = {}
    query: dict[str, str] = {}
    for p in route.operation.get("parameters", []):
        if p["in"] == "path":
            params[p["name"]] = _param_value(world, route, p["name"], p.get("schema", {}))
        elif p["in"] == "query" and p.get("required") and not route.writes:
            query[p["name"]] = world.ids.get(f"query:{p['name']}") or QUERY_EXAMPLES.get(p["name"], "x")
    kwargs: dict[str, Any] = {"params": query}
    if route.writes:
        if "requestBody" in route.operation:
            kwargs["json"] = WRONG_BODY
        else:
            params = _invalidate(route, params)
    path = route.path.format(**params)
    if route.component == "gateway" or not route.through_gateway:
        base = world.base if route.component == "gateway" else world.service_url(route.component)
        return route.method, base + path, kwargs
    return route.method, world.base + "/api" + path, kwargs


async def observe(
    world: World, routes: list[Route], personas: tuple[str, ...] = PERSONAS
) -> dict[tuple[str, str, str], int]:
    """(component, route key, persona) → the status each probe got."""
    limit = asyncio.Semaphore(8)
    results: dict[tuple[str, str, str], int] = {}

    async def one(client: httpx.AsyncClient, route: Route, persona: str) -> None:
        method, url, kwargs = request_for(world, route)
        async with limit:
            r = await client.request(method, url, headers=world.callers[persona].headers, **kwargs)
        results[(route.component, route.key, persona)] = r.status_code

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(one(client, route, p) for route in routes for p in personas))
    return results


def render(routes: list[Route], seen: dict[tuple[str, str, str], int]) -> str:
    """The observed matrix as TOML rows (to review, never to paste blindly)."""
    lines = []
    for component in COMPONENTS:
        lines.append(f"\n[{component}]")
        mine = [r for r in routes if r.component == component]
        width = max(len(r.key) for r in mine) + 2
        for r in mine:
            cells = " ".join(f"{seen[(component, r.key, p)]:<3}" for p in PERSONAS).rstrip()
            lines.append(f'{f"{chr(34)}{r.key}{chr(34)}":<{width}} = "{cells}"')
    return "\n".join(lines) + "\n"

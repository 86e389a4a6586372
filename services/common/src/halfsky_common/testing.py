"""Test helpers shared by every service's suite: a real PostgreSQL, a key pair, tokens, a client on the app."""

import atexit
import base64
import hashlib
import hmac
import io
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
import zipfile
from collections.abc import AsyncIterator, Iterable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from fastapi import FastAPI
from jose import jwt
from sqlalchemy import MetaData, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from halfsky_common.db import async_url, make_engine
from halfsky_common.keys import generate_key_pair, sign_access_token
from halfsky_common.pgserver import create_database, start_embedded, stop_embedded

_server: Any = None
server_dirs: list[Path] = []  # every folder this process's test servers lived in (the leftover check looks there)


def server_url() -> str:
    """DATABASE_URL when set, else one embedded server per test process (started on first use, stopped by
    `stop_server`: at the end of the pytest session, or at the latest when the process exits)."""
    global _server
    external = os.environ.get("DATABASE_URL")
    if external:
        return external
    if _server is None:
        data_dir = Path(tempfile.mkdtemp(prefix="halfsky-test-pg-"))
        server_dirs.append(data_dir)
        _server, _ = start_embedded(data_dir)
        atexit.register(stop_server)
    return str(_server.get_uri())


def stop_server() -> None:
    """Stop this process's embedded test server, if it started one, and delete its folder."""
    global _server
    server, _server = _server, None
    if server is None:
        return
    stop_embedded(server)
    shutil.rmtree(server.pgdata, ignore_errors=True)


async def fresh_database(prefix: str) -> str:
    """A new, empty database for one test session; its URL."""
    name = f"test_{prefix}_{uuid.uuid4().hex[:8]}"
    return await create_database(server_url(), name, drop_first=True)


_keys: tuple[str, str] | None = None


def shared_key_pair() -> tuple[str, str]:
    """One RSA pair per test process (private PEM, public PEM)."""
    global _keys
    if _keys is None:
        _keys = generate_key_pair()
    return _keys


def make_token(
    *,
    roles: list[str] | tuple[str, ...] = ("admin",),
    org_path: str = "/44/",
    org: str = "44",
    sub: str | None = None,
    name: str = "测试用户",
    typ: str = "user",
    scope: str = "",
    ttl: timedelta = timedelta(minutes=15),
    private_key_pem: str | None = None,
    **claims: Any,
) -> str:
    """A token signed with the test key, as the gateway would issue it."""
    return sign_access_token(
        private_key_pem=private_key_pem or shared_key_pair()[0],
        subject=sub or str(uuid.uuid4()),
        ttl=ttl,
        name=name,
        roles=list(roles),
        org=org,
        org_path=org_path,
        typ=typ,
        scope=scope,
        **claims,
    )


def auth(token: str) -> dict[str, str]:
    """The Authorization header for a token."""
    return {"Authorization": f"Bearer {token}"}


@asynccontextmanager
async def running(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan and give an HTTP client talking to it in-process."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            yield client


async def truncate_all(engine: AsyncEngine, metadata: MetaData, *, keep: tuple[str, ...] = ()) -> None:
    """Empty every table of `metadata` (fast isolation between tests)."""
    names = [f'"{t.name}"' for t in metadata.sorted_tables if t.name not in keep]
    if names:
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _b64json(data: dict[str, Any]) -> str:
    return _b64(json.dumps(data).encode())


def forged_tokens(public_key_pem: str, private_key_pem: str | None = None) -> dict[str, str]:
    """Tokens every service must refuse with 401: each breaks one rule of verification.

    Give the issuer's real private key (the running stack's) and the signed ones carry a valid signature, so only
    the rule they break can refuse them; without it they are signed with the test key.
    """
    claims = {
        "iss": "halfsky-gateway",
        "aud": "halfsky",
        "sub": str(uuid.uuid4()),
        "iat": 1_700_000_000,
        "exp": 4_000_000_000,
        "roles": ["admin"],
        "org": "44",
        "org_path": "/44/",
        "typ": "user",
    }
    head = _b64json({"alg": "HS256", "typ": "JWT"})
    body = _b64json(claims)
    hs256_sig = _b64(hmac.new(public_key_pem.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest())

    def signed(**overrides: Any) -> str:
        return make_token(private_key_pem=private_key_pem, **overrides)

    weak = signed(roles=["hotline_operator"])
    weak_head, _, weak_sig = weak.split(".")
    swapped = _b64json({**jwt.get_unverified_claims(weak), "roles": ["admin"]})
    other_private, _ = generate_key_pair()
    return {
        "alg_none": f"{_b64json({'alg': 'none', 'typ': 'JWT'})}.{body}.",
        "hs256_with_public_key": f"{head}.{body}.{hs256_sig}",
        "expired": signed(ttl=timedelta(minutes=-5)),
        "not_yet_valid": signed(nbf=4_000_000_000 - 60),
        "wrong_audience": signed(aud="someone-else"),
        "wrong_issuer": signed(iss="evil-issuer"),
        "no_org_path": signed(org_path=""),
        "other_key": make_token(private_key_pem=other_private),
        # The issuer's real signature, under a key id no verifier knows (kids are the keys' thumbprints).
        "unknown_kid": signed(key_id="halfsky-unknown"),
        "garbage": "not.a.token",
        # A real signature over a hotline operator's claims, with the payload swapped for an admin's.
        "tampered_claims": f"{weak_head}.{swapped}.{weak_sig}",
    }


async def schema_drift(url: str, metadata: MetaData) -> list[Any]:
    """What autogenerate would change between the migrated database and the models (empty means none)."""
    engine = create_async_engine(async_url(url))

    def compare(conn: Any) -> list[Any]:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return list(compare_metadata(ctx, metadata))

    try:
        async with engine.connect() as conn:
            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


class ServiceBasics:
    """What every service must do, as tests: subclass it as `TestBasics` with `service` and `metadata` set.

    Uses the suite's `client` (the app in-process) and `db_url` (its migrated database) fixtures.
    """

    service: str = ""
    metadata: MetaData

    async def test_health_ready_and_openapi(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/health")).json()["status"] == "ok"
        assert (await client.get("/ready")).json()["status"] == "ready"
        assert f"/{self.service}" in (await client.get("/openapi.json")).json()["paths"]

    async def test_no_token_is_401_problem(self, client: httpx.AsyncClient) -> None:
        r = await client.get(f"/{self.service}")
        assert r.status_code == 401
        assert r.headers["content-type"].startswith("application/problem+json")

    @pytest.mark.parametrize("kind", sorted(forged_tokens(shared_key_pair()[1])))
    async def test_forged_tokens_are_refused(self, client: httpx.AsyncClient, kind: str) -> None:
        token = forged_tokens(shared_key_pair()[1])[kind]
        r = await client.get(f"/{self.service}", headers=auth(token))
        assert r.status_code == 401, (kind, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")

    async def test_only_the_gateways_service_token_moves_units(self, client: httpx.AsyncClient, db_url: str) -> None:
        url = f"/{self.service}/org-moves"
        move = {"from_path": "/44/4401/440106/440106901/", "to_path": "/44/4401/440104/440106901/"}
        refused = [
            make_token(roles=["admin"], org_path="/"),  # a user, whatever the role and region
            make_token(typ="client", roles=["partner"], scope="orgs:move cases:intake"),  # a partner client
            make_token(typ="service", roles=[], scope="stats:read", org_path="/"),  # a service token without scope
        ]
        for token in refused:
            r = await client.post(url, json=move, headers=auth(token))
            assert r.status_code == 403, r.text
        assert (await client.post(url, json=move)).status_code == 401
        gateway = auth(
            make_token(typ="service", roles=[], scope="orgs:move", org_path="/", name="gateway", sub="service:gateway")
        )
        r = await client.post(url, json={**move, "to_path": "/44/4401/440106/440106901/440106901001/"}, headers=gateway)
        assert r.status_code == 422 and r.json()["errors"][0]["field"] == "to_path"  # under itself
        r = await client.post(url, json={**move, "from_path": "/44/../"}, headers=gateway)
        assert r.status_code == 422
        r = await client.post(url, json=move, headers=gateway)
        assert r.status_code == 200 and r.json() == {"updated": {}}  # nothing there yet
        engine = make_engine(db_url)
        try:
            async with engine.connect() as conn:
                audited = await conn.execute(
                    text("SELECT actor_id FROM audit_log WHERE action = 'org_unit.moved' AND entity_id = :p"),
                    {"p": move["from_path"]},
                )
                actors = list(audited.scalars())
            assert actors and set(actors) == {"service:gateway"}
        finally:
            await engine.dispose()

    async def test_migrations_match_models(self, db_url: str) -> None:
        assert await schema_drift(db_url, self.metadata) == []


def free_port() -> int:
    """A TCP port nothing listens on at the moment (for a server a test starts)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveService:
    """A component running as its own uvicorn process: its URL and process id (for its memory)."""

    url: str
    pid: int

    def peak_rss_bytes(self) -> int:
        """The process's peak resident memory so far (VmHWM), so no sampling can miss a spike."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
        raise RuntimeError("no VmHWM in /proc status")


@contextmanager
def live_service(app_factory: str, env: dict[str, str], *, log: Path) -> Iterator[LiveService]:
    """`app_factory` ("package.main:create_app") served by a uvicorn process of its own, ended on the way out
    whatever the test did: a real server for what an in-process client cannot show (its event loop, its memory)."""
    port = free_port()
    with log.open("ab") as out:
        proc = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "uvicorn", app_factory, "--factory", "--host", "127.0.0.1", "--port", str(port)],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"{app_factory} exited with {proc.returncode}; see {log}")
            with suppress(httpx.TransportError):
                if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"{app_factory} did not answer /health; see {log}")
            time.sleep(0.1)
        yield LiveService(url, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


XLSX_CONTENT_TYPES = (
    b'<?xml version="1.0" encoding="UTF-8"?>'
    b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    b"</Types>"
)
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XLSX_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def xlsx_file(
    rows: Iterable[bytes],
    *,
    sheet_head: bytes = b'<dimension ref="A1:XFD1048576"/>',
    prolog: bytes = b"",
    shared_strings: bytes | None = None,
    parts: dict[str, bytes] | None = None,
) -> bytes:
    """A workbook written by hand, its sheet's `<row>` elements streamed into the zip: hostile files (millions of
    rows, a lying `<dimension>`, odd parts) in a second or two and a few MB, as an attacker would make them."""
    out = io.BytesIO()
    rels = '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        book.writestr("[Content_Types].xml", XLSX_CONTENT_TYPES)
        book.writestr(
            "_rels/.rels",
            f'{rels}<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        book.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{XLSX_MAIN}" xmlns:r="{_REL}"><sheets>'
            '<sheet name="values" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        strings = f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/>'
        book.writestr(
            "xl/_rels/workbook.xml.rels",
            f'{rels}<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
            f"{strings if shared_strings is not None else ''}</Relationships>",
        )
        if shared_strings is not None:
            book.writestr("xl/sharedStrings.xml", shared_strings)
        for name, data in (parts or {}).items():
            book.writestr(name, data)
        with book.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(prolog + f'<worksheet xmlns="{XLSX_MAIN}">'.encode() + sheet_head + b"<sheetData>")
            chunk: list[bytes] = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == 10_000:
                    sheet.write(b"".join(chunk))
                    chunk.clear()
            sheet.write(b"".join(chunk) + b"</sheetData></worksheet>")
    return out.getvalue()


def inline_row(line: int, *cells: str) -> bytes:
    """One `<row>` of inline strings, for `xlsx_file`."""
    xml = "".join(
        f'<c r="{chr(65 + i)}{line}" t="inlineStr"><is><t>{escape(c)}</t></is></c>' for i, c in enumerate(cells)
    )
    return f'<row r="{line}">{xml}</row>'.encode()

"""Text PostgreSQL cannot store (the NUL character) is refused at the door: 422 naming where it was, not a 500.

Checked: the path, every query parameter, and JSON or urlencoded bodies (read once and handed on unchanged; a JSON
body is only parsed when its bytes hold an escaped NUL). Uploads and other bodies stream through untouched.
"""

import json
from typing import Any
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from halfsky_common.problems import field_error, problem_response

NUL = "\x00"
CHECKED_BODIES = (b"application/json", b"application/x-www-form-urlencoded")


def nul_in_json(value: Any, path: tuple[str, ...] = ()) -> str | None:
    """The dotted location of the first string (or key) holding NUL, else None."""
    if isinstance(value, str):
        return (".".join(path) or "body") if NUL in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = ".".join((*path, key)) if NUL in key else nul_in_json(item, (*path, key))
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = nul_in_json(item, (*path, str(index)))
            if found:
                return found
    return None


def nul_in_pairs(raw: str) -> str | None:
    """The name of the first urlencoded pair holding NUL, else None."""
    for key, value in parse_qsl(raw, keep_blank_values=True):
        if NUL in key or NUL in value:
            return key.replace(NUL, "") or "query"
    return None


def nul_in_body(body: bytes, content_type: bytes) -> str | None:
    if content_type.startswith(b"application/json"):
        if b"\\u0000" not in body:
            return None
        try:
            return nul_in_json(json.loads(body))
        except ValueError:
            return None  # not JSON at all: the app's own validation says so
    return nul_in_pairs(body.decode("latin-1"))


class NulGuardMiddleware:
    """Pure ASGI, so streamed bodies of other kinds pass without buffering."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        where = "path" if NUL in scope["path"] else nul_in_pairs(scope["query_string"].decode("latin-1"))
        content_type = dict(scope["headers"]).get(b"content-type", b"").lower()
        if where is None and content_type.startswith(CHECKED_BODIES):
            body, receive = await _read(receive)
            where = nul_in_body(body, content_type)
        if where is None:
            await self.app(scope, receive, send)
            return
        response = problem_response(
            422,
            "Text may not contain the NUL character (\\u0000).",
            errors=[field_error(where, "contains the NUL character")],
            instance=scope["path"],
        )
        await response(scope, receive, send)


async def _read(receive: Receive) -> tuple[bytes, Receive]:
    """The whole body, and a receive that hands the same messages on to the app."""
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            break
    body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")

    async def replay() -> Message:
        return messages.pop(0) if messages else await receive()

    return body, replay

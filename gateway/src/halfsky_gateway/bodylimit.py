"""The body limit of the gateway's own routes (the proxy enforces the same limit on forwarded ones)."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from halfsky_common.problems import problem_response


class BodyTooLarge(HTTPException):
    """Raised while the body is read: the app renders it, or, read before the app, this middleware does."""


class BodyLimitMiddleware:
    """413 for a declared length over the limit at once, and for a streamed body as soon as it passes it."""

    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        detail = f"The request body exceeds {self.max_body_bytes} bytes."
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body_bytes):
            await problem_response(413, detail, instance=scope["path"])(scope, receive, send)
            return
        seen = 0
        started = False

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.max_body_bytes:
                raise BodyTooLarge(413, detail)
            return message

        async def watched(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited, watched)
        except BodyTooLarge:
            if started:
                raise
            await problem_response(413, detail, instance=scope["path"])(scope, receive, send)

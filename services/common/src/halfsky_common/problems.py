"""RFC 9457 problem+json errors: one exception type and the handlers that render every error as one."""

import logging
from collections.abc import Iterable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("halfsky.problems")

PROBLEM_JSON = "application/problem+json"

TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    412: "Precondition failed",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    423: "Locked",
    428: "Precondition required",
    429: "Too many requests",
    499: "Client closed request",  # nginx's code: the client left before the answer; only logs see it
    500: "Internal server error",
    502: "Bad gateway",
    503: "Service unavailable",
    504: "Gateway timeout",
}


class Problem(Exception):
    """An error the client should see, rendered as problem+json."""

    def __init__(
        self,
        status: int,
        detail: str,
        *,
        type_: str = "about:blank",
        title: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.type = type_
        self.title = title or TITLES.get(status, "Error")
        self.errors = errors
        self.headers = headers
        self.extra = extra


def field_error(field: str, message: str, code: str | None = None) -> dict[str, str]:
    """One entry of `errors[]`: the field's dotted location, what is wrong with it and, for refusals that have one,
    a stable machine code (docs/api.md lists them)."""
    entry = {"field": field, "message": message}
    if code:
        entry["code"] = code
    return entry


def _code_of(error: Any) -> str | None:
    """The code a validator gave its refusal (`PydanticCustomError` with `{"code": …}` in its context)."""
    ctx = error.get("ctx")
    code = ctx.get("code") if isinstance(ctx, dict) else None
    return code if isinstance(code, str) else None


def problem_response(
    status: int,
    detail: str,
    *,
    type_: str = "about:blank",
    title: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    instance: str | None = None,
    **extra: Any,
) -> JSONResponse:
    """Render a problem document."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title or TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=headers)


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "query", "path", "header", "cookie"}:
        parts = parts[1:] or parts
    return ".".join(parts)


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error the app raises come out as problem+json."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(
            exc.status,
            exc.detail,
            type_=exc.type,
            title=exc.title,
            errors=exc.errors,
            headers=exc.headers,
            instance=request.url.path,
            **exc.extra,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
        return problem_response(
            exc.status_code,
            detail,
            headers=dict(exc.headers) if exc.headers else None,
            instance=request.url.path,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [field_error(_location(e.get("loc", ())), str(e.get("msg", "")), _code_of(e)) for e in exc.errors()]
        fields = ", ".join(e["field"] for e in errors) or "request"
        return problem_response(422, f"Invalid input: {fields}", errors=errors, instance=request.url.path)

    @app.exception_handler(OperationalError)
    @app.exception_handler(InterfaceError)
    async def _db_down(request: Request, exc: DBAPIError) -> JSONResponse:
        log.warning("database unavailable: %s", exc)
        return problem_response(
            503,
            "The database is unavailable; retry shortly.",
            headers={"Retry-After": "2"},
            instance=request.url.path,
        )

    @app.exception_handler(DBAPIError)
    async def _refused_by_database(request: Request, exc: DBAPIError) -> JSONResponse:
        # The last line behind the models' own limits: a value the database cannot store (SQLSTATE class 22:
        # too long, out of range) is the caller's input, a constraint it breaks (class 23: a duplicate lost in a
        # race) is a conflict; anything else is ours.
        state = str(getattr(exc.orig, "sqlstate", "") or "")
        if state.startswith("22"):
            log.warning("value refused by the database on %s %s: %s", request.method, request.url.path, exc.orig)
            return problem_response(
                422, "A value cannot be stored: too long, out of range or not valid.", instance=request.url.path
            )
        if state.startswith("23"):
            log.warning("constraint refused a write on %s %s: %s", request.method, request.url.path, exc.orig)
            return problem_response(409, "This conflicts with a record that exists already.", instance=request.url.path)
        return await _unexpected(request, exc)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette sends this handler's answer and raises the error on to the server, and uvicorn then closes the
        # connection. `Connection: close` says so: without it the gateway pooled the connection as reusable and sent
        # the next request, anyone's, into the closed socket (a 503 for a call that had nothing to do with this one).
        close = {"Connection": "close"}
        if _is_connection_error(exc):
            log.warning("database connection lost: %s", exc)
            return problem_response(
                503, "The database is unavailable; retry shortly.", headers={"Retry-After": "2", **close}
            )
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(500, "An unexpected error occurred.", instance=request.url.path, headers=close)


# asyncpg errors that mean the connection or the server went away (a restart, a failover, a killed backend).
_CONNECTION_ERRORS = {
    "ConnectionDoesNotExistError",
    "ConnectionFailureError",
    "CannotConnectNowError",
    "AdminShutdownError",
    "InterfaceError",
    "InternalClientError",  # e.g. "cannot switch to state …" on a connection broken mid-query
}


def _is_connection_error(exc: BaseException) -> bool:
    """True for errors that mean the database went away (asyncpg or OS level), at any depth of the chain."""
    seen: BaseException | None = exc
    while seen is not None:
        if getattr(seen, "connection_invalidated", False) or isinstance(seen, (ConnectionError, OSError)):
            return True
        if type(seen).__name__ in _CONNECTION_ERRORS:
            return True
        orig = getattr(seen, "orig", None)
        if isinstance(orig, BaseException) and type(orig).__name__ in _CONNECTION_ERRORS:
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def illegal_transition(detail: str, *, current: str, allowed_from: Iterable[str]) -> Problem:
    """The one 409 of every state machine (raise what this returns): the record's status now and the statuses in
    which the step asked for is taken, so a client can refresh and see why.

    Shape: `type: /problems/illegal-transition`, `code: illegal_transition`, `current_status`, `allowed_from`
    (sorted). `allowed_from` means the same in every service, for a status-to-status table (cases), an action table
    (projects, indicators reports) and a record locked by its status alike; the three old spellings
    (`current_status` + `allowed` next statuses, `status_now` + `allowed_from`/`allowed_statuses`, `status_now`
    alone) are gone.
    """
    return Problem(
        409,
        detail,
        type_="/problems/illegal-transition",
        code="illegal_transition",
        current_status=str(current),
        allowed_from=sorted(str(s) for s in allowed_from),
    )

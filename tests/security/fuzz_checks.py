"""Schemathesis hooks for the fuzz runs (SCHEMATHESIS_HOOKS=fuzz_checks): every error must be problem+json."""

from typing import Any

import schemathesis


@schemathesis.check
def problem_json_on_every_error(ctx: Any, response: Any, case: Any) -> None:
    """4xx and 5xx answers are RFC 9457 documents: the content type, and type, title, status and detail."""
    if response.status_code < 400:
        return
    content_type = (response.headers.get("content-type") or [""])[0]
    if not content_type.startswith("application/problem+json"):
        raise AssertionError(f"{response.status_code} answered with {content_type!r}, not application/problem+json")
    body = response.json()
    missing = {"type", "title", "status", "detail"} - set(body)
    if missing or body["status"] != response.status_code:
        raise AssertionError(f"not a problem document for {response.status_code}: {body}")

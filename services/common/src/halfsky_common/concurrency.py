"""Optimistic concurrency: every editable row has a `version`; clients send it back as If-Match."""

from fastapi import Request, Response

from halfsky_common.problems import Problem


def etag(version: int) -> str:
    """The ETag of a row version."""
    return f'W/"{version}"'


def set_etag(response: Response, version: int) -> None:
    response.headers["ETag"] = etag(version)


def check_if_match(request: Request, version: int) -> None:
    """428 when If-Match is missing, 412 when it names another version: no edit overwrites an unseen one."""
    given = request.headers.get("if-match")
    if not given:
        raise Problem(428, "Send the ETag you last read as If-Match, so no one else's edit is overwritten.")
    candidates = {c.strip() for c in given.split(",")}
    if "*" in candidates:
        return
    wanted = {etag(version), f'"{version}"'}
    if not candidates & wanted:
        raise Problem(
            412,
            "This record was changed by someone else since you read it; reload and apply your edit again.",
            current_version=version,
        )

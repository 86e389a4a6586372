"""Small HTTP helpers the routes of every domain share."""

from fastapi import Request, Response

from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_projects.projects.models import Project


def optional_if_match(request: Request, version: int) -> None:
    """Check If-Match when the client sent one (lifecycle actions are already serialised by a row lock)."""
    if request.headers.get("if-match"):
        check_if_match(request, version)


def project_etag(response: Response, project: Project) -> None:
    """Answer with the project's version as ETag."""
    set_etag(response, project.version)

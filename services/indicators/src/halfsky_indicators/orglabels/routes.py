"""HTTP layer of org unit names."""

from fastapi import APIRouter
from pydantic import BaseModel, Field

from halfsky_common.db import Session
from halfsky_common.problems import Problem, field_error
from halfsky_indicators.access import CatalogueEditor, DataReader, audit
from halfsky_indicators.orglabels import service
from halfsky_indicators.orgtree.service import resolve_each, resolve_many

router = APIRouter(prefix="/org-labels", tags=["org unit names"])


class Label(BaseModel):
    org: str = Field(description="Division code or org path")
    name: str = Field(min_length=1, max_length=100)


@router.put("", summary="Store names of units in your region (shown in analytics)")
async def store_labels(body: list[Label], session: Session, user: CatalogueEditor) -> dict[str, int]:
    if len(body) > 50_000:
        raise Problem(413, "At most 50,000 names per request.")
    labels = []
    places = await resolve_each(session, [label.org for label in body], lambda i: f"{i}.org")
    for i, (label, path) in enumerate(zip(body, places, strict=True)):
        if not user.sees(path):
            raise Problem(403, f"{path} lies outside your region.", errors=[field_error(f"{i}.org", "outside")])
        labels.append((path, label.name))
    stored = await service.store(session, labels)
    audit(session, user, "org_label.store", "org_label", "*", org_path=user.org_path, count=stored)
    await session.commit()
    return {"stored": stored}


@router.get("", summary="Names of units, by code or path")
async def get_labels(orgs: str, session: Session, user: DataReader) -> dict[str, str]:
    paths = await resolve_many(session, [o.strip() for o in orgs.split(",") if o.strip()][:1000], "orgs")
    return await service.names_for(session, paths)

"""HTTP layer of the partner registry and referrals (partners use their client token, scope cases:referrals)."""

import uuid
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy import select
from sqlmodel import col

from halfsky_cases.base import AuditEntry
from halfsky_cases.cases.access import HANDLE_ROLES, READ_ROLES, can_handle, can_read
from halfsky_cases.cases.service import get_case
from halfsky_cases.deps import Cipher
from halfsky_cases.referrals import service
from halfsky_cases.referrals.models import Partner, Referral, ServicePoint
from halfsky_cases.referrals.schemas import (
    PartnerIn,
    PartnerPublic,
    PointKind,
    ReferralIn,
    ReferralPublic,
    ReferralTransitionIn,
    ServicePointIn,
    ServicePointPublic,
)
from halfsky_common.audit import record
from halfsky_common.auth import Principal, require_roles, require_scope
from halfsky_common.concurrency import check_if_match, set_etag
from halfsky_common.db import Session
from halfsky_common.pagination import Page, SortKey, paginate
from halfsky_common.problems import Problem, field_error

router = APIRouter(tags=["referrals"])
Reader = Annotated[Principal, Depends(can_read)]
Registrar = Annotated[Principal, Depends(require_roles("leader"))]
ReferralReader = Annotated[Principal, Depends(require_scope("cases:referrals", *READ_ROLES))]
ReferralWriter = Annotated[Principal, Depends(require_scope("cases:referrals", *HANDLE_ROLES))]


def _own_region(user: Principal, org_path: str) -> None:
    if not user.sees(org_path):
        raise Problem(422, "Register it inside your own region.", errors=[field_error("org_path", "outside region")])


@router.get("/partners", response_model=list[PartnerPublic], summary="Partner agencies near the caller's unit")
async def list_partners(session: Session, user: Reader, agency: str | None = None) -> list[PartnerPublic]:
    stmt = select(Partner).where(service.nearby(user, Partner.org_path))
    if agency:
        stmt = stmt.where(col(Partner.agency) == agency)
    rows = await session.execute(stmt.order_by(col(Partner.org_path), col(Partner.name)))
    return [PartnerPublic.model_validate(p, from_attributes=True) for p in rows.scalars().all()]


@router.post("/partners", status_code=201, response_model=PartnerPublic, summary="Register a partner agency")
async def add_partner(body: PartnerIn, session: Session, user: Registrar) -> PartnerPublic:
    _own_region(user, body.org_path)
    if (
        body.client_id
        and (await session.execute(select(col(Partner.id)).where(col(Partner.client_id) == body.client_id))).first()
    ):
        raise Problem(409, "That API client already belongs to a partner.", errors=[field_error("client_id", "taken")])
    partner = Partner(**body.model_dump(mode="json"))
    session.add(partner)
    record(
        session,
        AuditEntry,
        actor=user,
        action="partner.create",
        entity_type="partner",
        entity_id=partner.id,
        org_path=partner.org_path,
        name=partner.name,
    )
    await session.commit()
    return PartnerPublic.model_validate(partner, from_attributes=True)


@router.get("/service-points", response_model=list[ServicePointPublic], summary="一点二中心一庭两站 near the caller")
async def list_points(session: Session, user: Reader, kind: PointKind | None = None) -> list[ServicePointPublic]:
    stmt = select(ServicePoint).where(service.nearby(user, ServicePoint.org_path))
    if kind:
        stmt = stmt.where(col(ServicePoint.kind) == kind.value)
    rows = await session.execute(stmt.order_by(col(ServicePoint.org_path), col(ServicePoint.name)))
    return [ServicePointPublic.model_validate(p, from_attributes=True) for p in rows.scalars().all()]


@router.post("/service-points", status_code=201, response_model=ServicePointPublic, summary="Register a service point")
async def add_point(body: ServicePointIn, session: Session, user: Registrar) -> ServicePointPublic:
    _own_region(user, body.org_path)
    point = ServicePoint(**body.model_dump(mode="json"))
    point.partner_id = body.partner_id
    session.add(point)
    record(
        session,
        AuditEntry,
        actor=user,
        action="service_point.create",
        entity_type="service_point",
        entity_id=point.id,
        org_path=point.org_path,
        name=point.name,
    )
    await session.commit()
    return ServicePointPublic.model_validate(point, from_attributes=True)


@router.get("/referrals", response_model=Page[ReferralPublic], summary="Referrals: a partner's own, or the region's")
async def list_referrals(
    session: Session,
    cipher: Cipher,
    user: ReferralReader,
    status: Literal["sent", "accepted", "declined", "completed"] | None = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> Page[ReferralPublic]:
    stmt = service.joined(select(Referral)).where(service.referral_filter(user))
    if status:
        stmt = stmt.where(col(Referral.status) == status)
    keys = [SortKey(col(Referral.sent_at), descending=True), SortKey(col(Referral.id), descending=True)]
    page, next_cursor, has_more, _ = await paginate(session, stmt, keys=keys, cursor=cursor, limit=limit)
    found = await service.with_context(session=session, ids=[r.id for r in page])
    return Page(
        items=[service.to_public(*found[r.id], cipher) for r in page], next_cursor=next_cursor, has_more=has_more
    )


@router.get("/referrals/{referral_id}", response_model=ReferralPublic, summary="One referral")
async def get_referral(
    referral_id: uuid.UUID, response: Response, session: Session, cipher: Cipher, user: ReferralReader
) -> ReferralPublic:
    r, c, p, v = await service.get_referral(session=session, principal=user, referral_id=referral_id)
    set_etag(response, r.version)
    return service.to_public(r, c, p, v, cipher)


@router.post("/referrals/{referral_id}/transitions", response_model=ReferralPublic, summary="Accept/decline/complete")
async def move_referral(
    referral_id: uuid.UUID,
    body: ReferralTransitionIn,
    request: Request,
    response: Response,
    session: Session,
    cipher: Cipher,
    user: ReferralWriter,
) -> ReferralPublic:
    r, c, p, v = await service.get_referral(session=session, principal=user, referral_id=referral_id, lock=True)
    check_if_match(request, r.version)
    await service.move(session=session, referral=r, case=c, to=body.to, note=body.note, actor=user)
    await session.commit()
    set_etag(response, r.version)
    return service.to_public(r, c, p, v, cipher)


@router.post("/{case_id}/referrals", status_code=201, response_model=ReferralPublic, summary="Refer to a partner")
async def refer(
    case_id: uuid.UUID,
    body: ReferralIn,
    response: Response,
    session: Session,
    cipher: Cipher,
    user: Annotated[Principal, Depends(can_handle)],
) -> ReferralPublic:
    case = await get_case(session=session, principal=user, case_id=case_id)
    referral = await service.refer(
        session=session, case=case, partner_id=body.partner_id, service=body.service.value, note=body.note, actor=user
    )
    await session.commit()
    r, c, p, v = await service.get_referral(session=session, principal=user, referral_id=referral.id)
    set_etag(response, r.version)
    return service.to_public(r, c, p, v, cipher)


@router.get("/{case_id}/referrals", response_model=list[ReferralPublic], summary="Referrals of one case")
async def case_referrals(case_id: uuid.UUID, session: Session, cipher: Cipher, user: Reader) -> list[ReferralPublic]:
    case = await get_case(session=session, principal=user, case_id=case_id)
    stmt = service.joined(select(Referral, *service.JOINED)).where(col(Referral.case_id) == case.id)
    rows = await session.execute(stmt.order_by(col(Referral.sent_at)))
    return [service.to_public(r, c, p, v, cipher) for r, c, p, v in rows.all()]

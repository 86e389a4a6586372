"""Sign-in for staff (password + rotating refresh token) and partner clients (client credentials)."""

import hashlib
import uuid
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request

from halfsky_common.audit import record
from halfsky_common.auth import Principal, StaffUser
from halfsky_common.db import Session
from halfsky_common.problems import Problem
from halfsky_common.ratelimit import Backoff, begin_attempt, clear_attempts, hit, too_many
from halfsky_gateway.auth import revocation, tokens
from halfsky_gateway.auth.passwords import check_policy, hash_password, verify_password
from halfsky_gateway.auth.schemas import ClientToken, LoginRequest, Me, RefreshRequest, TokenPair
from halfsky_gateway.base import AuditEntry
from halfsky_gateway.clients.service import authenticate_client
from halfsky_gateway.config import Settings
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.users import service as users
from halfsky_gateway.users.models import User
from halfsky_gateway.users.schemas import OrgUnitBrief, PasswordChange

router = APIRouter(prefix="/auth", tags=["auth"])

BAD_LOGIN = "The username or password is wrong, or the account is disabled."


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _as_principal(user: User, unit: OrgUnit) -> Principal:
    return Principal(id=str(user.id), name=user.name, roles=frozenset(user.roles), org=str(unit.id), org_path=unit.path)


async def _pair(
    session: Session, settings: Settings, user: User, unit: OrgUnit, refresh: str, family_id: uuid.UUID
) -> TokenPair:
    return TokenPair(
        access_token=tokens.access_token_for_user(settings, user, unit, family_id),
        expires_in=settings.access_token_minutes * 60,
        refresh_token=refresh,
        must_change_password=user.must_change_password,
    )


def client_ip(request: Request, settings: Settings) -> str:
    """The caller's address; a forwarding header counts only when the operator says a trusted proxy sets it."""
    if settings.client_ip_header:
        forwarded = request.headers.get(settings.client_ip_header, "")
        if forwarded:
            return forwarded.split(",")[0].strip()
    return request.client.host if request.client else "unknown"


def _backoff(settings: Settings) -> Backoff:
    return Backoff(
        after=settings.login_delay_after,
        base_seconds=settings.login_delay_seconds,
        max_seconds=settings.login_delay_max_seconds,
        forget_seconds=settings.login_delay_forget_seconds,
    )


async def _limit_attempts(request: Request, settings: Settings, username: str) -> tuple[str, int]:
    """The per-address limit, then the growing delay of this (username, address); returns that key and the failures
    it counts, this try included. Both come before the user is looked up: known and unknown names meet them alike."""
    engine = request.app.state.engine
    ip = client_ip(request, settings)
    wait = await hit(
        engine,
        "rate_counter",
        key=f"login-ip:{ip}",
        limit=settings.login_limit_per_ip,
        window_seconds=settings.login_window_seconds,
    )
    if wait is not None:
        raise too_many(wait, "sign-in attempts")
    key = users.sign_in_key(username, ip)
    wait, failures = await begin_attempt(engine, "rate_counter", key=key, backoff=_backoff(settings))
    if wait is not None:
        raise Problem(
            429,
            f"Too many failed sign-ins on this account from this address; try again in {wait} seconds.",
            code="sign_in_delayed",
            retry_after=wait,
            headers={"Retry-After": str(wait)},
        )
    return key, failures


@router.post("/login", response_model=TokenPair, summary="Sign in with username and password")
async def login(body: LoginRequest, session: Session, request: Request) -> TokenPair:
    settings = _settings(request)
    key, failures = await _limit_attempts(request, settings, body.username)
    found = await users.by_username(session, body.username)
    now = datetime.now(UTC)
    # One Argon2 verify whatever the name (a dummy hash for unknown ones), and one answer for an unknown name, a
    # wrong password and a disabled account: none of them tells whether the name exists or the password was right.
    right = await verify_password(found[0].password_hash if found else None, body.password)
    if found is None or not right or found[0].disabled:
        if found is not None:
            user, unit = found
            delay = _backoff(settings).delay(failures)
            await users.count_failed_login(
                session, user.id, delayed_until=now + timedelta(seconds=delay) if delay else None
            )
            record(
                session,
                AuditEntry,
                actor=_as_principal(user, unit),
                action="auth.login_disabled" if right else "auth.login_failed",
                entity_type="user",
                entity_id=user.id,
                org_path=unit.path,
                ip=client_ip(request, settings),
            )
            await session.commit()
        raise Problem(401, BAD_LOGIN, code="invalid_credentials")
    user, unit = found
    await clear_attempts(request.app.state.engine, "rate_counter", key=key)
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    family_id = uuid.uuid4()  # this sign-in
    refresh = await tokens.new_refresh_token(session, settings, user_id=user.id, family_id=family_id)
    record(
        session,
        AuditEntry,
        actor=_as_principal(user, unit),
        action="auth.login",
        entity_type="user",
        entity_id=user.id,
        org_path=unit.path,
        ip=client_ip(request, settings),
    )
    await session.commit()
    return await _pair(session, settings, user, unit, refresh, family_id)


@router.post("/refresh", response_model=TokenPair, summary="Trade a refresh token for a new pair (rotation)")
async def refresh(body: RefreshRequest, session: Session, request: Request) -> TokenPair:
    settings = _settings(request)
    user_id, family_id, new_refresh = await tokens.rotate(session, settings, body.refresh_token)
    user, unit = await users.get_user(session, user_id)
    if user.disabled:
        await users.revoke_refresh_tokens(session, user_id=user.id)
        await session.commit()
        raise Problem(401, "This account is disabled.", code="disabled")
    await session.commit()
    return await _pair(session, settings, user, unit, new_refresh, family_id)


@router.post("/logout", status_code=204, summary="End this sign-in (its refresh token family)")
async def logout(body: RefreshRequest, session: Session, request: Request) -> None:
    await tokens.revoke(session, body.refresh_token)
    await session.commit()
    await revocation.reload_now(request)  # its access tokens stop too


@router.get("/me", response_model=Me, summary="Who the access token belongs to")
async def me(principal: StaffUser, session: Session) -> Me:
    user, unit = await users.get_user(session, uuid.UUID(principal.id))
    return Me(
        id=str(user.id),
        username=user.username,
        name=user.name,
        roles=list(user.roles),
        org_unit=OrgUnitBrief.model_validate(unit.model_dump()),
        must_change_password=user.must_change_password,
    )


@router.post("/change-password", status_code=204, summary="Change your own password")
async def change_password(body: PasswordChange, principal: StaffUser, session: Session, request: Request) -> None:

    user, unit = await users.get_user(session, uuid.UUID(principal.id))
    if not await verify_password(user.password_hash, body.old_password):
        raise Problem(422, "The current password is wrong.", errors=[{"field": "old_password", "message": "wrong"}])
    check_policy(
        body.new_password,
        min_length=_settings(request).password_min_length,
        min_score=_settings(request).password_min_score,
        username=user.username,
        field="new_password",
    )
    user.password_hash = await hash_password(body.new_password)
    user.must_change_password = False
    users.touch(user)
    # Every other sign-in ends (whoever knew the old password may hold one); this one lives on.
    await users.revoke_refresh_tokens(session, user_id=user.id, keep_family=principal.session_id)
    record(
        session,
        AuditEntry,
        actor=principal,
        action="user.change_password",
        entity_type="user",
        entity_id=user.id,
        org_path=unit.path,
    )
    await session.commit()
    await revocation.reload_now(request)


async def _limit_token_requests(request: Request, settings: Settings, client_id: str) -> None:
    """Per address and per client id (known or not), before the Argon2 verify they spare."""
    for key, limit in (
        (f"token-ip:{client_ip(request, settings)}", settings.token_limit_per_ip),
        (f"token-client:{hashlib.sha256(client_id.encode()).hexdigest()[:32]}", settings.token_limit_per_client),
    ):
        wait = await hit(
            request.app.state.engine, "rate_counter", key=key, limit=limit, window_seconds=settings.login_window_seconds
        )
        if wait is not None:
            raise too_many(wait, "token requests")


@router.post("/token", response_model=ClientToken, summary="OAuth2 client credentials for partner clients")
async def client_token(
    session: Session,
    request: Request,
    grant_type: Annotated[str, Form()],
    client_id: Annotated[str, Form(max_length=64)],
    client_secret: Annotated[str, Form(max_length=200)],
) -> ClientToken:
    if grant_type != "client_credentials":
        raise Problem(400, "Only grant_type=client_credentials is supported here.", code="unsupported_grant_type")
    settings = _settings(request)
    await _limit_token_requests(request, settings, client_id)
    client, unit = await authenticate_client(session, client_id=client_id, client_secret=client_secret)
    return ClientToken(
        access_token=tokens.access_token_for_client(settings, client, unit),
        expires_in=settings.client_token_minutes * 60,
        scope=" ".join(client.scopes),
    )

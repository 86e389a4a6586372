"""Users: create, change, disable, reset passwords; all scoped to a region subtree."""

import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.problems import Problem, field_error
from halfsky_gateway.auth.models import RefreshToken
from halfsky_gateway.auth.passwords import check_policy, hash_password
from halfsky_gateway.base import RateCounter
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.users.models import User


async def get_user(session: AsyncSession, user_id: uuid.UUID) -> tuple[User, OrgUnit]:
    """The user and their org unit, or 404."""
    row = (
        await session.execute(
            select(User, OrgUnit).join(OrgUnit, col(OrgUnit.id) == User.org_unit_id).where(col(User.id) == user_id)
        )
    ).first()
    if row is None:
        raise Problem(404, "No such user.")
    return row[0], row[1]


def sign_in_key(username: str, address: str) -> str:
    """The rate_counter key of failed sign-ins on one username from one address (hashed: the table holds neither
    names nor addresses, and any length fits)."""
    return sign_in_prefix(username) + hashlib.sha256(address.encode()).hexdigest()[:16]


def sign_in_prefix(username: str) -> str:
    return "login-fail:" + hashlib.sha256(username.casefold().encode()).hexdigest()[:24] + ":"


async def clear_sign_in_delays(session: AsyncSession, username: str) -> None:
    """Forget the failed sign-ins on `username` from every address (an administrator's unlock or reset)."""
    await session.execute(delete(RateCounter).where(col(RateCounter.key).startswith(sign_in_prefix(username))))


async def count_failed_login(session: AsyncSession, user_id: uuid.UUID, *, delayed_until: datetime | None) -> None:
    """Count one failed sign-in in a single UPDATE (parallel attempts cannot overwrite each other's count), and
    when sign-ins from the failing address are being delayed, until when (for the administrators' list, whose
    unlock clears the delays; the account itself is never locked: see auth.routes.login).

    The caller's User object is left as it was loaded: writing the count through it would race again.
    """
    values: dict[str, Any] = {"failed_logins": col(User.failed_logins) + 1}
    if delayed_until is not None:
        values["locked_until"] = func.greatest(func.coalesce(col(User.locked_until), delayed_until), delayed_until)
    await session.execute(
        update(User).where(col(User.id) == user_id).values(**values).execution_options(synchronize_session=False)
    )


async def by_username(session: AsyncSession, username: str) -> tuple[User, OrgUnit] | None:
    row = (
        await session.execute(
            select(User, OrgUnit)
            .join(OrgUnit, col(OrgUnit.id) == User.org_unit_id)
            .where(col(User.username) == username)
        )
    ).first()
    return (row[0], row[1]) if row else None


def list_query(*, under: str, q: str | None, role: str | None, disabled: bool | None) -> Select[Any]:
    """Users whose unit lies under the path `under`, filtered."""
    stmt = select(User).join(OrgUnit, col(OrgUnit.id) == User.org_unit_id).where(col(OrgUnit.path).startswith(under))
    if q:
        stmt = stmt.where(col(User.name).contains(q) | col(User.username).contains(q))
    if role:
        stmt = stmt.where(col(User.roles).contains([role]))
    if disabled is not None:
        stmt = stmt.where(col(User.disabled) == disabled)
    return stmt


async def create_user(
    session: AsyncSession,
    *,
    username: str,
    name: str,
    password: str,
    roles: list[str],
    org_unit: OrgUnit,
    phone: str = "",
    min_length: int,
    min_score: int,
    must_change_password: bool = False,
    demo_account: bool = False,
) -> User:
    check_policy(password, min_length=min_length, min_score=min_score, username=username, demo_account=demo_account)
    if await by_username(session, username):
        raise Problem(409, f"The username {username} is taken.", errors=[field_error("username", "already used")])
    user = User(
        username=username,
        name=name,
        phone=phone,
        password_hash=await hash_password(password),
        roles=sorted(set(roles)),
        org_unit_id=org_unit.id,
        must_change_password=must_change_password,
    )
    session.add(user)
    await session.flush()
    return user


async def revoke_refresh_tokens(session: AsyncSession, *, user_id: uuid.UUID, keep_family: str = "") -> None:
    """End every session of the user (on disable, password reset, role change) but `keep_family`, if given (her own
    password change keeps the sign-in she made it from); the access tokens of the ended ones stop too
    (halfsky_common.revocation)."""
    stmt = update(RefreshToken).where(col(RefreshToken.user_id) == user_id, col(RefreshToken.revoked_at).is_(None))
    if keep_family:
        stmt = stmt.where(col(RefreshToken.family_id) != uuid.UUID(keep_family))
    await session.execute(stmt.values(revoked_at=datetime.now(UTC)))


async def set_password(
    session: AsyncSession, *, user: User, password: str, min_length: int, min_score: int, must_change: bool
) -> None:
    check_policy(password, min_length=min_length, min_score=min_score, username=user.username)
    user.password_hash = await hash_password(password)
    user.must_change_password = must_change
    user.failed_logins = 0
    user.locked_until = None
    touch(user)
    await clear_sign_in_delays(session, user.username)
    await revoke_refresh_tokens(session, user_id=user.id)


def touch(user: User) -> None:
    user.version += 1
    user.updated_at = datetime.now(UTC)

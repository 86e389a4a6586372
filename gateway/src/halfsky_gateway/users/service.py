"""Users: create, change, disable, reset passwords; all scoped to a region subtree."""

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Select, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.problems import Problem, field_error
from halfsky_gateway.auth.models import RefreshToken
from halfsky_gateway.auth.passwords import check_policy, hash_password
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


async def count_failed_login(
    session: AsyncSession, user_id: uuid.UUID, *, lock_after: int, lock_for: timedelta, now: datetime
) -> tuple[bool, datetime | None]:
    """Count one wrong password in a single UPDATE (parallel attempts cannot overwrite each other's count); the
    attempt that reaches `lock_after` locks the account and starts the count again.

    Returns whether this attempt locked it, and the lock's end if the account is locked (a parallel attempt may
    have locked it since the caller read the row).

    The caller's User object is left as it was loaded: writing the count through it would race again.
    """
    reaches = col(User.failed_logins) + 1 >= lock_after
    row = (
        await session.execute(
            update(User)
            .where(col(User.id) == user_id)
            .values(
                failed_logins=case((reaches, 0), else_=col(User.failed_logins) + 1),
                locked_until=case((reaches, now + lock_for), else_=col(User.locked_until)),
            )
            .returning(col(User.locked_until))
            .execution_options(synchronize_session=False)
        )
    ).one()
    locked_until: datetime | None = row[0]
    return locked_until == now + lock_for, locked_until


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
    must_change_password: bool = False,
) -> User:
    check_policy(password, min_length=min_length, username=username)
    if await by_username(session, username):
        raise Problem(409, f"The username {username} is taken.", errors=[field_error("username", "already used")])
    user = User(
        username=username,
        name=name,
        phone=phone,
        password_hash=hash_password(password),
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


async def set_password(session: AsyncSession, *, user: User, password: str, min_length: int, must_change: bool) -> None:
    check_policy(password, min_length=min_length, username=user.username)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    user.failed_logins = 0
    user.locked_until = None
    touch(user)
    await revoke_refresh_tokens(session, user_id=user.id)


def touch(user: User) -> None:
    user.version += 1
    user.updated_at = datetime.now(UTC)

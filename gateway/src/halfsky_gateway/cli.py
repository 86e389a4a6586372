"""Operator commands: create the first admin, load a region tree, seed demo users and clients.

python -m halfsky_gateway.cli create-admin [--username admin] [--org-code 44]
python -m halfsky_gateway.cli import-tree regions.csv
python -m halfsky_gateway.cli demo-data
"""

import argparse
import asyncio
import os
import secrets
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.db import make_engine, make_sessionmaker
from halfsky_common.problems import Problem
from halfsky_gateway.auth.passwords import DEMO_PASSWORD, DEMO_PASSWORD_ENV, WEAK_PASSWORD, policy_text
from halfsky_gateway.clients import service as clients
from halfsky_gateway.clients.models import PartnerClient
from halfsky_gateway.config import Settings
from halfsky_gateway.orgunits import service as orgunits
from halfsky_gateway.orgunits.models import OrgUnit
from halfsky_gateway.users import service as users

T = TypeVar("T")

DEMO_TREE = Path(__file__).parent / "data" / "demo_regions.csv"
ADMIN_PASSWORD_ENV = "HALFSKY_ADMIN_PASSWORD"  # noqa: S105 (a variable name)

# Demo staff: (username, name, roles, org code). Names are invented; units are real division codes.
DEMO_USERS = [
    ("gz_leader", "陈秀英", ["leader"], "4401"),
    ("th_admin", "黄丽娟", ["admin"], "440106"),
    ("th_caseworker", "李晓红", ["case_worker"], "440106"),
    ("th_hotline", "张敏", ["hotline_operator"], "440106"),
    ("th_projects", "刘芳", ["project_manager"], "440106"),
    ("th_stats", "周静", ["statistician"], "440106"),
    ("th_leader", "吴桂兰", ["leader"], "440106"),
    ("th_auditor", "郑雪梅", ["auditor"], "440106"),
    ("lw_caseworker", "何美玲", ["case_worker"], "440103"),
]


async def _with_session(work: Callable[[AsyncSession, Settings], Awaitable[T]]) -> T:
    settings = Settings()
    engine = make_engine(settings.database_url, pool_size=1, max_overflow=0)
    try:
        async with make_sessionmaker(engine)() as session:
            result = await work(session, settings)
            await session.commit()
            return result
    finally:
        await engine.dispose()


async def import_tree(session: AsyncSession, path: Path) -> tuple[int, int, list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8-sig")  # noqa: ASYNC240 (a one-off command, nothing else waits)
    return await orgunits.import_tree(session, orgunits.parse_tree_csv(text))


async def ensure_root(session: AsyncSession, code: str) -> OrgUnit:
    """The unit with `code`; when the tree is empty, load the demo tree first (it holds Guangdong, 44)."""
    unit = await orgunits.get_by_code(session, code)
    if unit is None:
        count = (await session.execute(select(func.count()).select_from(OrgUnit))).scalar_one()
        if count == 0:
            await import_tree(session, DEMO_TREE)
            unit = await orgunits.get_by_code(session, code)
    if unit is None:
        raise SystemExit(f"no org unit with code {code}; import your region tree first")
    return unit


async def create_admin(session: AsyncSession, settings: Settings, *, username: str, org_code: str) -> str | None:
    """Create the first admin unless the username exists; return the password when one was created."""
    if await users.by_username(session, username):
        return None
    unit = await ensure_root(session, org_code)
    password = os.environ.get(ADMIN_PASSWORD_ENV) or secrets.token_urlsafe(12) + "-9a"
    await users.create_user(
        session,
        username=username,
        name="系统管理员",
        password=password,
        roles=["admin"],
        org_unit=unit,
        min_length=settings.password_min_length,
        min_score=settings.password_min_score,
    )
    return password


async def ensure_service_client(session: AsyncSession, settings: Settings, *, name: str, org_code: str) -> str:
    """The internal client `name` (scope stats:read, bound to the root unit) with a fresh secret; "id secret"."""
    unit = await ensure_root(session, org_code)
    client = (await session.execute(select(PartnerClient).where(col(PartnerClient.name) == name))).scalar_one_or_none()
    if client is None:
        client, secret = await clients.create_client(
            session, name=name, agency="service", scopes=["stats:read"], org_unit=unit
        )
    else:
        secret = await clients.rotate_secret(client)
    return f"{client.client_id} {secret}"


async def demo_data(session: AsyncSession, settings: Settings) -> list[str]:
    """The demo tree and one user per role; password from HALFSKY_DEMO_PASSWORD or a fixed demo one."""
    created, updated, errors = await import_tree(session, DEMO_TREE)
    password = os.environ.get(DEMO_PASSWORD_ENV, DEMO_PASSWORD)
    made = [f"org units: {created} created, {updated} renamed, {len(errors)} skipped"]
    for username, name, roles, code in DEMO_USERS:
        if await users.by_username(session, username):
            continue
        unit = await orgunits.get_by_code(session, code)
        if unit is None:
            continue
        await users.create_user(
            session,
            username=username,
            name=name,
            password=password,
            roles=roles,
            org_unit=unit,
            min_length=settings.password_min_length,
            min_score=settings.password_min_score,
            demo_account=True,  # the one kind of account allowed the public demo password
        )
        made.append(f"user {username} ({'/'.join(roles)}, {unit.name}) password {password}")
    return made


def weak_admin_password(refused: Problem) -> str:
    settings = Settings()
    reason = refused.errors[0]["message"] if refused.errors else refused.detail
    policy = policy_text(min_length=settings.password_min_length, min_score=settings.password_min_score)
    return (
        f"{ADMIN_PASSWORD_ENV} was refused: {reason}.\n"
        f"The password policy: {policy}.\n"
        f"Choose another {ADMIN_PASSWORD_ENV}, or unset it to have one generated and printed once."
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="halfsky_gateway.cli")
    sub = parser.add_subparsers(dest="command", required=True)
    admin = sub.add_parser("create-admin", help="create the first administrator (prints its password once)")
    admin.add_argument("--username", default="admin")
    admin.add_argument("--org-code", default=os.environ.get("HALFSKY_ROOT_CODE", "44"))
    tree = sub.add_parser("import-tree", help="load org units from a CSV of code,name,parent_code")
    tree.add_argument("csv", type=Path)
    sub.add_parser("demo-data", help="load the demo region tree and demo users")
    svc = sub.add_parser("service-client", help="create or re-key an internal client; prints 'client_id secret'")
    svc.add_argument("name")
    svc.add_argument("--org-code", default=os.environ.get("HALFSKY_ROOT_CODE", "44"))
    args = parser.parse_args(argv)

    if args.command == "create-admin":
        try:
            password = asyncio.run(
                _with_session(lambda s, st: create_admin(s, st, username=args.username, org_code=args.org_code))
            )
        except Problem as refused:
            if refused.extra.get("code") != WEAK_PASSWORD:
                raise
            print(weak_admin_password(refused), file=sys.stderr)  # why and what is asked, not a traceback
            return 2
        if password:
            print(f"created admin user '{args.username}' with password: {password}")
        else:
            print(f"admin user '{args.username}' exists already")
    elif args.command == "import-tree":
        created, updated, errors = asyncio.run(_with_session(lambda s, st: import_tree(s, args.csv)))
        print(f"{created} created, {updated} renamed, {len(errors)} skipped")
        for e in errors[:20]:
            print(f"  {e['code']}: {e['message']}", file=sys.stderr)
    elif args.command == "service-client":
        print(
            asyncio.run(
                _with_session(lambda s, st: ensure_service_client(s, st, name=args.name, org_code=args.org_code))
            )
        )
    elif args.command == "demo-data":
        for line in asyncio.run(_with_session(demo_data)):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

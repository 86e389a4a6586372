"""Typed dependencies of the cases service: its settings, the field cipher, the caller's org code.

All `async def`: FastAPI would run a plain `def` in its thread pool, which costs more than these do.
"""

from typing import Annotated

from fastapi import Depends, Request
from jose import jwt

from halfsky_cases.config import Settings
from halfsky_cases.protection.crypto import FieldCipher
from halfsky_common.auth import CurrentUser, bearer_token
from halfsky_common.orgpaths import code_of


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_cipher(request: Request) -> FieldCipher:
    cipher: FieldCipher = request.app.state.cipher
    return cipher


async def get_org_code(request: Request, user: CurrentUser) -> str:
    """The `org_code` claim of the (already verified) token; else the last segment of its org path."""
    claims = jwt.get_unverified_claims(bearer_token(request))
    code = str(claims.get("org_code") or "")
    return code or code_of(user.org_path)


AppSettings = Annotated[Settings, Depends(get_settings)]
Cipher = Annotated[FieldCipher, Depends(get_cipher)]
OrgCode = Annotated[str, Depends(get_org_code)]

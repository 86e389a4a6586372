"""Verifying the gateway's JWTs and the current-principal dependencies every service uses."""

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from jose import JWTError, jwt
from jose.exceptions import ExpiredSignatureError, JWTClaimsError
from sqlalchemy import ColumnElement, false
from sqlalchemy.orm import InstrumentedAttribute

from halfsky_common.keys import ALGORITHM, PublicKey, public_keys
from halfsky_common.problems import Problem

__all__ = ["ALGORITHM", "Principal", "TokenVerifier"]

ROLES = (
    "admin",
    "leader",
    "case_worker",
    "hotline_operator",
    "project_manager",
    "statistician",
    "auditor",
    "partner",
)


@dataclass(frozen=True)
class Principal:
    """Who is calling: a user, a partner client or a service, as the token says."""

    id: str
    name: str
    roles: frozenset[str]
    org: str
    org_path: str
    kind: str = "user"  # user | client | service
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_id: str = ""
    session_id: str = ""  # a user's sign-in (refresh-token family), so ending the sign-in ends its access tokens

    def has_role(self, *roles: str) -> bool:
        """True when the principal holds any of these roles."""
        return bool(self.roles.intersection(roles))

    def sees(self, org_path: str) -> bool:
        """True when a row at this org path lies in the principal's subtree."""
        return org_path.startswith(self.org_path)


class TokenVerifier:
    """Checks signature (RS256 only), key id, expiry, issuer and audience of an access token.

    `public_key_pem` holds one PEM or several one after the other (during a key rotation: the old and the new key).
    The token's `kid` picks the key: an id none of them has is refused. A token without a `kid` is tried against
    each key (the signature decides either way; the id only says which key to try).

    A token that passed is remembered (the most recent `CACHE_SIZE`) until its `exp`: a client sends the same token
    with every call for its whole life, and checking it again cost ~0.1 ms of the gateway's CPU on each. What is
    remembered is the exact token string, so nothing unverified can ever match it; expiry is checked on every use.
    """

    CACHE_SIZE = 4096

    def __init__(self, *, public_key_pem: str, issuer: str, audience: str) -> None:
        # Parsed once: handing python-jose the PEM made it parse the key again on every verification (~0.3 ms).
        self.keys: list[PublicKey] = public_keys(public_key_pem)
        self._by_kid = {key.kid: key.key for key in self.keys}
        self._all = [key.key for key in self.keys]
        self._issuer = issuer
        self._audience = audience
        self._verified: dict[str, tuple[Principal, float]] = {}  # token → (principal, exp), oldest first

    def verify(self, token: str) -> Principal:
        """Return the principal a valid token names, or raise a 401 Problem."""
        known = self._verified.get(token)
        if known is not None:
            if time.time() < known[1]:
                return known[0]
            del self._verified[token]  # expired: the full check below says so
        principal, exp = self._check(token)
        if len(self._verified) >= self.CACHE_SIZE:
            del self._verified[next(iter(self._verified))]
        self._verified[token] = (principal, exp)
        return principal

    def _check(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
        except JWTError:
            raise unauthorized("The token is malformed.") from None
        if header.get("alg") != ALGORITHM:
            raise unauthorized("The token is not signed with RS256.")
        kid = header.get("kid")
        if kid is None:
            keys = self._all
        elif isinstance(kid, str) and kid in self._by_kid:
            keys = [self._by_kid[kid]]
        else:
            raise unauthorized("The token is signed with a key this service does not know (kid).")
        try:
            claims = jwt.decode(
                token,
                keys,  # type: ignore[arg-type]  # python-jose tries each Key of a list; its stubs say str only
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                options={"require_exp": True, "require_iat": True, "require_sub": True},
            )
        except ExpiredSignatureError:
            raise unauthorized("The token has expired.", code="token_expired") from None
        except JWTClaimsError as exc:
            raise unauthorized(f"The token's claims are not accepted: {exc}.") from None
        except JWTError:
            raise unauthorized("The token's signature is not valid.") from None
        return principal_from_claims(claims), float(claims["exp"])


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    """Build a Principal from verified claims."""
    org_path = str(claims.get("org_path") or "")
    if not org_path.startswith("/") or not org_path.endswith("/"):
        raise unauthorized("The token carries no valid org_path.")
    scope = claims.get("scope") or ""
    return Principal(
        id=str(claims["sub"]),
        name=str(claims.get("name") or ""),
        roles=frozenset(claims.get("roles") or ()),
        org=str(claims.get("org") or ""),
        org_path=org_path,
        kind=str(claims.get("typ") or "user"),
        scopes=frozenset(scope.split()) if isinstance(scope, str) else frozenset(scope),
        token_id=str(claims.get("jti") or ""),
        session_id=str(claims.get("sid") or ""),
    )


def unauthorized(detail: str, *, code: str = "invalid_token") -> Problem:
    """401 with the Bearer challenge RFC 6750 asks for."""
    return Problem(
        401,
        detail,
        headers={"WWW-Authenticate": f'Bearer error="{code}"'},
        code=code,
    )


def bearer_token(request: Request) -> str:
    """The token in the Authorization header, or a 401."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(
            401,
            "A bearer token is required.",
            headers={"WWW-Authenticate": "Bearer"},
            code="missing_token",
        )
    return token.strip()


async def current_principal(request: Request) -> Principal:
    """The verified caller; the app keeps its verifier on `app.state.verifier`.

    `async` although it never awaits: FastAPI runs a plain `def` dependency in its thread pool, and the hop there
    and back (with the GIL handed over twice) cost more than checking the token (~0.3 ms) on the event loop.
    """
    cached = getattr(request.state, "principal", None)
    if isinstance(cached, Principal):
        return cached
    verifier: TokenVerifier = request.app.state.verifier
    principal = verifier.verify(bearer_token(request))
    request.state.principal = principal
    return principal


CurrentUser = Annotated[Principal, Depends(current_principal)]


async def staff_principal(principal: CurrentUser) -> Principal:
    """Staff accounts only: a partner or service client may use just the routes its scopes name."""
    if principal.kind != "user":
        raise Problem(403, "This needs a staff account; a client may use only the routes its scopes grant.")
    return principal


StaffUser = Annotated[Principal, Depends(staff_principal)]


def require_roles(*roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """A dependency that lets through only principals holding one of these roles (admin always passes)."""
    allowed = set(roles) | {"admin"}

    async def check(principal: CurrentUser) -> Principal:
        if not principal.roles.intersection(allowed):
            raise Problem(403, f"This needs one of the roles: {', '.join(sorted(allowed))}.")
        return principal

    return check


def require_scope(scope: str, *roles: str) -> Callable[[Principal], Awaitable[Principal]]:
    """Partner clients need the scope; users need one of the roles."""
    allowed = set(roles) | {"admin"}

    async def check(principal: CurrentUser) -> Principal:
        if principal.kind == "client":
            if scope not in principal.scopes:
                raise Problem(403, f"This client lacks the scope {scope}.")
            return principal
        if not principal.roles.intersection(allowed):
            raise Problem(403, f"This needs one of the roles: {', '.join(sorted(allowed))}.")
        return principal

    return check


def visible_to(principal: Principal, column: InstrumentedAttribute[str] | Any) -> ColumnElement[bool]:
    """SQL filter: rows whose org path lies in the principal's subtree (an indexed prefix match)."""
    if not principal.org_path:
        return false()
    return column.startswith(principal.org_path)  # type: ignore[no-any-return]


def ensure_visible(principal: Principal, org_path: str, *, what: str = "record") -> None:
    """404 (not 403: do not confirm it exists) when a row lies outside the caller's subtree."""
    if not principal.sees(org_path):
        raise Problem(404, f"No such {what}.")

"""Access tokens that must stop working before they expire, at the gateway and at every service alike.

A token is refused (401) when it belongs to
- a disabled user (`account_disabled`),
- a sign-in that has ended: logged out, its refresh token replayed, ended by a password change or by an
  administrator (the token's `sid` claim names the sign-in, i.e. its refresh-token family; `session_ended`),
- a disabled partner client (`client_disabled`), or
- a partner client whose scopes were cut since: the token carries a scope the client no longer holds
  (`client_scopes_reduced`; a new token with the remaining scopes works).

The gateway owns these facts (its database). Each gateway replica reloads them every GATEWAY_DISABLED_RELOAD_SECONDS
(the replica that made a change at once) and publishes them at `GET /api/auth/revocations`; each service polls that
every `*_REVOCATIONS_RELOAD_SECONDS` (when `*_GATEWAY_URL` is set), asking with the last ETag so an unchanged list
costs a 304. Both keep the last list they had while the database or the gateway cannot be reached.

The published list holds no ids, only truncated SHA-256 digests of them: it is readable without a token (services
have none of their own), and ids of disabled staff or of partner clients are nobody else's business. Every id in
it is a random UUID or client id, so a digest cannot be turned back into one; the verifier hashes the token's ids
the same way (about a microsecond).
"""

import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from halfsky_common.auth import Principal, TokenVerifier, unauthorized
from halfsky_common.problems import Problem

log = logging.getLogger("halfsky.revocation")

PATH = "/api/auth/revocations"  # on the gateway


def digest(value: str) -> str:
    """How an id appears in the published list: 128 bits of its SHA-256, hex."""
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Snapshot:
    """What to refuse, as digests (see `digest`)."""

    users: frozenset[str] = frozenset()  # disabled users' ids
    sessions: frozenset[str] = frozenset()  # ended sign-ins (the `sid` of their access tokens)
    clients: Mapping[str, frozenset[str] | None] = field(default_factory=dict)  # "client:<id>" → its scopes now;
    # None when disabled. A client not listed (registered since the last reload) is let through.

    @classmethod
    def of(
        cls,
        *,
        disabled_users: Iterable[str],
        ended_sessions: Iterable[str],
        clients: Iterable[tuple[str, Iterable[str], bool]],
    ) -> "Snapshot":
        """From plain ids: user ids, sign-in (refresh family) ids, and (client_id, scopes, disabled) of clients."""
        return cls(
            users=frozenset(digest(u) for u in disabled_users),
            sessions=frozenset(digest(s) for s in ended_sessions),
            clients={
                digest(f"client:{client_id}"): None if disabled else frozenset(scopes)
                for client_id, scopes, disabled in clients
            },
        )

    def document(self) -> bytes:
        """The published JSON (sorted, so the same list always has the same bytes and ETag)."""
        body = {
            "users": sorted(self.users),
            "sessions": sorted(self.sessions),
            "clients": {k: None if v is None else sorted(v) for k, v in sorted(self.clients.items())},
        }
        return json.dumps(body, separators=(",", ":")).encode()

    @classmethod
    def from_document(cls, body: Any) -> "Snapshot":
        """Parse what `document` wrote; a malformed document raises ValueError (the last good list stays)."""
        if not isinstance(body, dict):
            raise ValueError("the revocation list is not a JSON object")
        users, sessions, clients = body.get("users"), body.get("sessions"), body.get("clients")
        if not isinstance(users, list) or not isinstance(sessions, list) or not isinstance(clients, dict):
            raise ValueError("the revocation list lacks users, sessions or clients")
        return cls(
            users=frozenset(str(u) for u in users),
            sessions=frozenset(str(s) for s in sessions),
            clients={str(k): None if v is None else frozenset(str(s) for s in v) for k, v in clients.items()},
        )


def refusal(snapshot: Snapshot, principal: Principal) -> Problem | None:
    """Why this verified principal's token must be refused now, or None."""
    if principal.kind == "user":
        if digest(principal.id) in snapshot.users:
            return unauthorized("This account is disabled.", code="account_disabled")
        if principal.session_id and digest(principal.session_id) in snapshot.sessions:
            return unauthorized("This sign-in has ended; sign in again.", code="session_ended")
    elif principal.kind == "client":
        key = digest(principal.id)
        if key in snapshot.clients:
            scopes = snapshot.clients[key]
            if scopes is None:
                return unauthorized("This client is disabled.", code="client_disabled")
            if not principal.scopes <= scopes:
                return unauthorized(
                    "This token carries a scope the client no longer has; request a new token.",
                    code="client_scopes_reduced",
                )
    return None


class Revocations:
    """The current list, with its published form (kept ready: services ask for it every few seconds)."""

    def __init__(self, snapshot: Snapshot | None = None) -> None:
        self.etag = ""
        self.replace(snapshot or Snapshot())

    def replace(self, snapshot: Snapshot, etag: str | None = None) -> None:
        self.snapshot = snapshot
        self.document = snapshot.document()
        self.etag = etag if etag is not None else f'"{hashlib.sha256(self.document).hexdigest()[:16]}"'

    async def follow(self, http: httpx.AsyncClient, url: str) -> None:
        """One poll of the gateway's list; an unchanged list is a 304."""
        headers = {"If-None-Match": self.etag} if self.etag else {}
        r = await http.get(url, headers=headers, timeout=5.0)
        if r.status_code == 304:
            return
        r.raise_for_status()
        self.replace(Snapshot.from_document(r.json()), etag=r.headers.get("etag", ""))


class RevocationAwareVerifier(TokenVerifier):
    """Verifies as `TokenVerifier` does, then refuses tokens the current revocation list names."""

    def __init__(self, *, public_key_pem: str, issuer: str, audience: str, revocations: Revocations) -> None:
        super().__init__(public_key_pem=public_key_pem, issuer=issuer, audience=audience)
        self.revocations = revocations

    def verify(self, token: str) -> Principal:
        principal = super().verify(token)
        problem = refusal(self.revocations.snapshot, principal)
        if problem is not None:
            raise problem
        return principal

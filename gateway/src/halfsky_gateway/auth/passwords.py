"""Argon2id hashing of passwords and client secrets (in a bounded thread pool), and the password policy."""

import asyncio
import hashlib
import os
import re
import secrets
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

from halfsky_common.problems import Problem, field_error

T = TypeVar("T")

_hasher = PasswordHasher()
# A hash of nothing anyone knows: verifying against it keeps "no such user" as slow as "wrong password".
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

# The demo accounts' password is printed by `make run` and written in the README: public. Only demo accounts may
# have it (and whatever HALFSKY_DEMO_PASSWORD gave them instead).
DEMO_PASSWORD = "Demo-2026-halfsky"  # noqa: S105 (public on purpose, refused for every real account)
DEMO_PASSWORD_ENV = "HALFSKY_DEMO_PASSWORD"  # noqa: S105 (a variable name)
# Words anyone attacking this system tries first; zxcvbn counts them as known words (the username is added).
PROJECT_WORDS = ("halfsky", "banbiantian", "半边天", "fulian", "妇联", "12338", "womenfederation")
ZXCVBN_MAX_LENGTH = 72  # zxcvbn refuses longer input (its matching is quadratic); the first 72 characters decide
WEAK_PASSWORD = "weak_password"  # noqa: S105 (a problem code)


class HashPool:
    """At most `threads` Argon2 computations at once, and at most `max_waiting` more queued.

    Argon2 costs ~0.1 s of CPU on purpose; on the event loop it would stop the proxy for every service while it runs
    (issue 12). argon2-cffi releases the GIL, so the loop keeps answering while the pool's threads hash. The count of
    outstanding jobs is released when the thread finishes, not when the caller gives up, so abandoned requests cannot
    pile up more work than the bound.
    """

    def __init__(self, threads: int, max_waiting: int) -> None:
        self.threads, self.max_waiting = threads, max_waiting
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="argon2")
        self._lock = threading.Lock()
        self._outstanding = 0

    def _release(self, _: object) -> None:
        with self._lock:
            self._outstanding -= 1

    async def run(self, work: Callable[[], T]) -> T:
        with self._lock:
            if self._outstanding >= self.threads + self.max_waiting:
                raise Problem(
                    503,
                    "Too many sign-ins are being checked right now; try again in a moment.",
                    code="auth_busy",
                    headers={"Retry-After": "1"},
                )
            self._outstanding += 1
        try:
            job: Future[T] = self._executor.submit(work)
        except BaseException:
            self._release(None)
            raise
        job.add_done_callback(self._release)
        return await asyncio.wrap_future(job)


_pool = HashPool(threads=2, max_waiting=64)


def configure(*, threads: int, max_waiting: int) -> None:
    """Size the one pool of this process from the gateway's settings (the CLI keeps the default). One gateway app runs
    per process; where tests make several, the last one made sizes it."""
    global _pool
    if (_pool.threads, _pool.max_waiting) != (threads, max_waiting):
        _pool = HashPool(threads=threads, max_waiting=max_waiting)


def pool() -> HashPool:
    return _pool


async def hash_password(password: str) -> str:
    return await _pool.run(lambda: _hasher.hash(password))


def _verify(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


async def verify_password(password_hash: str | None, password: str) -> bool:
    """True when the password matches; always spends the same effort, even with no hash."""
    return await _pool.run(lambda: _verify(password_hash, password))


def policy_text(*, min_length: int, min_score: int) -> str:
    """The policy in one sentence, for refusals, the CLI and the docs."""
    return (
        f"at least {min_length} characters; hard to guess (zxcvbn strength at least {min_score} of 4: no common "
        "passwords, keyboard runs, repeats, years or dates alone); not containing the username; not the public demo "
        "password"
    )


def _squashed(text: str) -> str:
    """Letters and digits only, case-folded: 'Demo 2026 HalfSky!' is still the demo password."""
    return re.sub(r"[\W_]+", "", text.casefold())


def demo_passwords() -> set[str]:
    env = os.environ.get(DEMO_PASSWORD_ENV, "")
    return {_squashed(p) for p in (DEMO_PASSWORD, env) if p}


def check_policy(
    password: str,
    *,
    min_length: int,
    min_score: int,
    username: str = "",
    field: str = "password",
    demo_account: bool = False,
) -> None:
    """Refuse a weak password with a 422 naming `field`, the reasons and the whole policy.

    Strength is zxcvbn's estimate (0-4) with the username and this project's own words counted as known words;
    composition rules ("a digit and a symbol") are not used: they let `password12` through and annoy people.
    """
    problems = []
    if len(password) < min_length:
        problems.append(f"at least {min_length} characters")
    if username and len(username) >= 3 and username.casefold() in password.casefold():
        problems.append("must not contain the username")
    squashed = _squashed(password)
    if not demo_account and any(demo and demo in squashed for demo in demo_passwords()):
        problems.append("must not be the public demo password")
    result = zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[u for u in (username, *PROJECT_WORDS) if u])
    if result["score"] < min_score:
        warning = str(result["feedback"]["warning"]).rstrip(".")
        problems.append(
            f"too easy to guess (strength {result['score']} of 4, at least {min_score} needed"
            + (f": {warning.lower()}" if warning else "")
            + ")"
        )
    if problems:
        raise Problem(
            422,
            "The password is too weak: " + "; ".join(problems) + ". The policy: "
            f"{policy_text(min_length=min_length, min_score=min_score)}.",
            code=WEAK_PASSWORD,
            errors=[field_error(field, "; ".join(problems))],
        )


def new_secret() -> str:
    """A random secret for refresh tokens and client secrets."""
    return secrets.token_urlsafe(32)


def fingerprint(token: str) -> str:
    """SHA-256 of a high-entropy token: what we store instead of the token itself."""
    return hashlib.sha256(token.encode()).hexdigest()

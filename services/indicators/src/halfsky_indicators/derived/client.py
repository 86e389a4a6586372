"""Reaching the cases and projects stats feeds through the gateway, as a client with the stats:read scope."""

import time
from datetime import datetime
from typing import Literal

import httpx
from pydantic import BaseModel, Field, ValidationError

from halfsky_indicators.config import Settings

FeedSource = Literal["cases", "projects"]
SOURCES: tuple[FeedSource, ...] = ("cases", "projects")


class FeedError(Exception):
    """A feed that could not be fetched or read; the message says why."""


class FeedRow(BaseModel):
    org_path: str = Field(pattern=r"^/(\d+/)+$")
    measure: str = Field(min_length=1, max_length=60)
    value: int = Field(ge=0)


class Feed(BaseModel):
    """The contract's long format: one row per org unit (the leaf where records belong) and measure."""

    period: str
    source: str
    generated_at: datetime | None = None
    rows: list[FeedRow]


class FeedClient:
    """Gets a client-credentials token from the gateway (renewed before it expires) and fetches feeds with it."""

    def __init__(self, settings: Settings, http: httpx.AsyncClient | None = None) -> None:
        self.base = settings.gateway_url.rstrip("/")
        self.client_id = settings.client_id
        self.client_secret = settings.client_secret
        self.http = http or httpx.AsyncClient(timeout=settings.pull_timeout_seconds)
        self._token = ""
        self._expires = 0.0

    @property
    def configured(self) -> bool:
        return bool(self.base and self.client_id and self.client_secret)

    async def close(self) -> None:
        await self.http.aclose()

    async def token(self, *, renew: bool = False) -> str:
        """A valid access token, fetched anew when close to expiry or when asked."""
        if self._token and not renew and time.monotonic() < self._expires:
            return self._token
        try:
            r = await self.http.post(
                f"{self.base}/api/auth/token",
                data={
                    "grant_type": "client_credentials",
                    "client_id": self.client_id,
                    "client_secret": self.client_secret,
                },
            )
        except httpx.HTTPError as exc:
            raise FeedError(f"the gateway is not reachable: {type(exc).__name__}") from None
        if r.status_code != 200:
            raise FeedError(f"the gateway refused this service's credentials ({r.status_code})")
        body = r.json()
        self._token = str(body["access_token"])
        self._expires = time.monotonic() + max(int(body.get("expires_in", 300)) - 30, 10)
        return self._token

    async def feed(self, source: FeedSource, period: str) -> Feed:
        """The feed of a service for a period, checked against the contract."""
        url = f"{self.base}/api/{source}/stats/feed"
        try:
            r = await self.http.get(url, params={"period": period}, headers=self._auth(await self.token()))
            if r.status_code == 401:
                r = await self.http.get(
                    url, params={"period": period}, headers=self._auth(await self.token(renew=True))
                )
        except httpx.HTTPError as exc:
            raise FeedError(f"the {source} feed is not reachable: {type(exc).__name__}") from None
        if r.status_code != 200:
            raise FeedError(f"the {source} feed answered {r.status_code}: {r.text[:200]}")
        try:
            feed = Feed.model_validate(r.json())
        except (ValidationError, ValueError) as exc:
            raise FeedError(f"the {source} feed does not follow the contract: {str(exc)[:300]}") from None
        if feed.period != period or feed.source != source:
            raise FeedError(f"asked for {source} {period}, got {feed.source} {feed.period}")
        return feed

    @staticmethod
    def _auth(token: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"}

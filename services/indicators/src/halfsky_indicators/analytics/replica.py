"""Sessions for the analytics reads: on the replica named by `INDICATORS_ANALYTICS_DATABASE_URL`, else the primary.

Only the read-only analytics routes use it; everything that writes, and every read that must see the caller's own
last write, stays on the primary.
"""

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


async def get_analytics_session(request: Request) -> AsyncIterator[AsyncSession]:
    maker: async_sessionmaker[AsyncSession] = request.app.state.analytics_sessionmaker
    async with maker() as session:
        yield session


AnalyticsSession = Annotated[AsyncSession, Depends(get_analytics_session)]

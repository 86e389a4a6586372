"""The indicators service app (run with `uvicorn halfsky_indicators.main:create_app --factory`)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from halfsky_common import background
from halfsky_common.app import create_service_app
from halfsky_common.db import make_engine, make_sessionmaker
from halfsky_common.orgmoves import org_moves_router
from halfsky_indicators.analytics.routes import router as analytics_router
from halfsky_indicators.analytics.table import refresh_moved as refresh_moved_analytics
from halfsky_indicators.assessments.routes import router as assessments_router
from halfsky_indicators.completeness.routes import router as completeness_router
from halfsky_indicators.config import Settings
from halfsky_indicators.datasets.routes import router as datasets_router
from halfsky_indicators.derived import scheduler
from halfsky_indicators.derived.client import FeedClient
from halfsky_indicators.derived.routes import router as pulls_router
from halfsky_indicators.elements.routes import router as elements_router
from halfsky_indicators.entry.routes import router as entry_router
from halfsky_indicators.figures.routes import router as figures_router
from halfsky_indicators.indicators.routes import router as indicators_router
from halfsky_indicators.models import AuditEntry, Base
from halfsky_indicators.orglabels.routes import router as orglabels_router
from halfsky_indicators.orgtree.service import record_move
from halfsky_indicators.periods_routes import router as periods_router
from halfsky_indicators.plans.routes import router as plans_router
from halfsky_indicators.transfer.routes import router as transfer_router
from halfsky_indicators.validation.routes import router as validation_router

# the audit log keeps the paths it recorded; the analytics tables are refreshed from the moved values instead
DERIVED_OR_APPEND_ONLY = ("audit_log", "analytics_value", "analytics_rollup")


async def after_move(session: AsyncSession, from_path: str, to_path: str) -> None:
    """What follows a move beyond the rewritten paths: where the tree now has the unit, and the analytics rows."""
    await record_move(session, from_path, to_path)
    await refresh_moved_analytics(session, from_path, to_path)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """The analytics replica (if any), the feed client and the scheduled pulls, while the app runs."""
        replica = None
        if settings.analytics_database_url:
            replica = make_engine(
                settings.analytics_database_url,
                pool_size=settings.db_pool_size,
                max_overflow=settings.db_max_overflow,
            )
        app.state.analytics_sessionmaker = make_sessionmaker(replica) if replica else app.state.sessionmaker
        app.state.feeds = FeedClient(settings)
        task = scheduler.start(
            app.state.sessionmaker, app.state.feeds, settings.pull_interval_seconds, settings.pull_first_delay_seconds
        )
        try:
            yield
        finally:
            await background.stop(task)
            await app.state.feeds.close()
            if replica:
                await replica.dispose()

    return create_service_app(
        name="indicators",
        title="HalfSky indicator monitoring (指标监测)",
        description="Development-programme indicators: data entry, approval, validation, aggregation, analytics.",
        settings=settings,
        lifespan=lifespan,
        # The indicator catalogue comes last: its `/{code}` routes would otherwise shadow the fixed paths.
        routers=[
            org_moves_router(
                Base.metadata,
                AuditEntry,
                skip=DERIVED_OR_APPEND_ONLY,
                extra=[("org_label", "path")],
                after=after_move,
            ),
            periods_router,
            plans_router,
            elements_router,
            datasets_router,
            entry_router,
            validation_router,
            completeness_router,
            analytics_router,
            pulls_router,
            figures_router,
            assessments_router,
            transfer_router,
            orglabels_router,
            indicators_router,
        ],
    )

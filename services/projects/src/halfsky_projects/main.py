"""The projects service app (run with `uvicorn halfsky_projects.main:create_app --factory`)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from halfsky_common import background
from halfsky_common.app import create_service_app
from halfsky_common.orgmoves import org_moves_router
from halfsky_projects.activities.routes import router as activities_router
from halfsky_projects.attachments.routes import router as attachments_router
from halfsky_projects.beneficiaries.routes import router as beneficiaries_router
from halfsky_projects.campaigns.routes import router as campaigns_router
from halfsky_projects.config import Settings
from halfsky_projects.evaluations.routes import router as evaluations_router
from halfsky_projects.loans.routes import router as loans_router
from halfsky_projects.models import AuditEntry, Base
from halfsky_projects.money.routes import router as money_router
from halfsky_projects.plans import nightly
from halfsky_projects.plans.routes import router as plans_router
from halfsky_projects.projects.routes import router as projects_router
from halfsky_projects.stats.routes import router as stats_router
from halfsky_projects.supervision.routes import router as supervision_router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """The behind-schedule refresh, running while the app does."""
        task = nightly.start(
            app.state.sessionmaker, settings.progress_refresh_hours, settings.progress_refresh_first_delay_seconds
        )
        try:
            yield
        finally:
            await background.stop(task)

    return create_service_app(
        name="projects",
        title="HalfSky projects (项目化管理)",
        description="Federation work run as projects: application, review, implementation, money, evaluation.",
        settings=settings,
        lifespan=lifespan,
        routers=[
            org_moves_router(
                Base.metadata, AuditEntry, skip=("audit_log",)
            ),  # the audit log keeps the paths it recorded
            stats_router,
            plans_router,
            loans_router,
            projects_router,
            attachments_router,
            beneficiaries_router,
            activities_router,
            campaigns_router,
            money_router,
            evaluations_router,
            supervision_router,
        ],
    )

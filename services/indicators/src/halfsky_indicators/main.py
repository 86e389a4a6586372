"""The indicators service app (run with `uvicorn halfsky_indicators.main:create_app --factory`)."""

from fastapi import FastAPI

from halfsky_common.app import create_service_app
from halfsky_indicators.analytics.routes import router as analytics_router
from halfsky_indicators.config import Settings
from halfsky_indicators.datasets.routes import router as datasets_router
from halfsky_indicators.elements.routes import router as elements_router
from halfsky_indicators.entry.routes import router as entry_router
from halfsky_indicators.indicators.routes import router as indicators_router
from halfsky_indicators.periods_routes import router as periods_router
from halfsky_indicators.plans.routes import router as plans_router
from halfsky_indicators.validation.routes import router as validation_router


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        name="indicators",
        title="HalfSky indicator monitoring (指标监测)",
        description="Development-programme indicators: data entry, approval, validation, aggregation, analytics.",
        settings=settings or Settings(),
        # The indicator catalogue comes last: its `/{code}` routes would otherwise shadow the fixed paths.
        routers=[
            periods_router,
            plans_router,
            elements_router,
            datasets_router,
            entry_router,
            validation_router,
            analytics_router,
            indicators_router,
        ],
    )

"""The indicators service app (run with `uvicorn halfsky_indicators.main:create_app --factory`)."""

from fastapi import FastAPI

from halfsky_common.app import create_service_app
from halfsky_indicators.config import Settings
from halfsky_indicators.indicators.routes import router as indicators_router


def create_app(settings: Settings | None = None) -> FastAPI:
    return create_service_app(
        name="indicators",
        title="HalfSky indicator monitoring (指标监测)",
        description="Development-programme indicators: data entry, approval, aggregation.",
        settings=settings or Settings(),
        routers=[indicators_router],
    )

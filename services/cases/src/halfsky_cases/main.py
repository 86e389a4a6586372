"""The cases service app (run with `uvicorn halfsky_cases.main:create_app --factory`)."""

from fastapi import FastAPI

from halfsky_cases.cases.routes import router as cases_router
from halfsky_cases.config import Settings
from halfsky_cases.parties.routes import router as persons_router
from halfsky_cases.protection.crypto import load_cipher
from halfsky_cases.protection.routes import router as access_log_router
from halfsky_common.app import create_service_app


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        name="cases",
        title="HalfSky rights cases (维权案件)",
        description="Intake, handling, referral, supervision and follow-up of women's and children's rights cases.",
        settings=settings,
        # fixed paths before /cases/{case_id}
        routers=[access_log_router, persons_router, cases_router],
    )
    app.state.cipher = load_cipher(settings)
    return app

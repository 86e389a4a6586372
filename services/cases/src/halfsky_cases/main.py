"""The cases service app (run with `uvicorn halfsky_cases.main:create_app --factory`)."""

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from halfsky_cases.actions.routes import router as actions_router
from halfsky_cases.attachments.routes import router as attachments_router
from halfsky_cases.attachments.storage import LocalStorage
from halfsky_cases.cases.routes import router as cases_router
from halfsky_cases.config import Settings
from halfsky_cases.export.routes import router as export_router
from halfsky_cases.legal.routes import router as legal_router
from halfsky_cases.models import AuditEntry, Base
from halfsky_cases.parties.routes import router as persons_router
from halfsky_cases.protection.crypto import UnknownKeyError, load_cipher
from halfsky_cases.protection.routes import router as access_log_router
from halfsky_cases.referrals.routes import router as referrals_router
from halfsky_cases.stats.routes import router as stats_router
from halfsky_cases.supervision.routes import router as supervision_router
from halfsky_cases.transfers.routes import router as transfers_router
from halfsky_common.app import create_service_app
from halfsky_common.orgmoves import org_moves_router
from halfsky_common.problems import problem_response

APPEND_ONLY = ("audit_log", "access_log")  # hash-chained: they keep the paths they recorded
log = logging.getLogger("halfsky.cases")


async def unknown_data_key(request: Request, exc: Exception) -> JSONResponse:
    """A stored field under a data key this process lacks (a key left out of the ring): a 500 that says so."""
    log.error("undecryptable field: %s", exc)
    return problem_response(
        500,
        "A stored field is encrypted under a data key this service does not hold "
        "(CASES_DATA_KEY / CASES_PREVIOUS_DATA_KEYS): the operator must add it back.",
        title="Data key missing",
        instance=request.url.path,
    )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_service_app(
        name="cases",
        title="HalfSky rights cases (维权案件)",
        description="Intake, handling, referral, supervision and follow-up of women's and children's rights cases.",
        settings=settings,
        # Fixed paths (/cases/partners, /cases/transfers, ...) must come before /cases/{case_id}.
        routers=[
            org_moves_router(Base.metadata, AuditEntry, skip=APPEND_ONLY),
            access_log_router,
            stats_router,
            export_router,
            persons_router,
            transfers_router,
            supervision_router,
            referrals_router,
            legal_router,
            actions_router,
            attachments_router,
            cases_router,
        ],
    )
    app.state.cipher = load_cipher(settings)
    if settings.previous_data_keys and not settings.hash_key:
        log.warning(
            "CASES_HASH_KEY is not set: the duplicate-search key is derived from the last of CASES_PREVIOUS_DATA_KEYS; "
            "pin it (python -m halfsky_cases.cli hash-key) before that key leaves the ring"
        )
    app.add_exception_handler(UnknownKeyError, unknown_data_key)
    app.state.storage = LocalStorage(settings.attachments_dir)
    return app

"""Alembic environment of the gateway database."""

from halfsky_common.migrations import run_env
from halfsky_gateway.config import Settings
from halfsky_gateway.models import Base

run_env(Base.metadata, Settings())

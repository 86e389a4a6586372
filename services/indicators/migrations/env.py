"""Alembic environment of the indicators database."""

from halfsky_common.migrations import run_env
from halfsky_indicators.config import Settings
from halfsky_indicators.models import Base

run_env(Base.metadata, Settings())

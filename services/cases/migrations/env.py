"""Alembic environment of the cases database."""

from halfsky_cases.config import Settings
from halfsky_cases.models import Base
from halfsky_common.migrations import run_env

run_env(Base.metadata, Settings())

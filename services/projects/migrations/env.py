"""Alembic environment of the projects database."""

from halfsky_common.migrations import run_env
from halfsky_projects.config import Settings
from halfsky_projects.models import Base

run_env(Base.metadata, Settings())

"""Merge the two heads left by merging the security and bench branches: rate counter and work-list index

Revision ID: 5e0c4a7b9d21
Revises: d79cab7a1f31, dd4119594102
Create Date: 2026-11-23 22:58:00.000000
"""

from collections.abc import Sequence

revision: str = "5e0c4a7b9d21"
down_revision: str | tuple[str, ...] | None = ("d79cab7a1f31", "dd4119594102")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass

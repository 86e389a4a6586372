"""refresh tokens keep their sign-in time (absolute lifetime); revoked_at indexed (revocation list)

Revision ID: d91f55457f05
Revises: 08d3c88309e3
Create Date: 2026-11-24 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'd91f55457f05'
down_revision: str | None = '08d3c88309e3'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('refresh_token', sa.Column('signed_in_at', sa.DateTime(timezone=True), nullable=True))
    # A family's sign-in is when its first token was issued: rows are never deleted, so that is its oldest row.
    op.execute(
        "UPDATE refresh_token r SET signed_in_at = f.first FROM "
        "(SELECT family_id, min(created_at) AS first FROM refresh_token GROUP BY family_id) f "
        "WHERE r.family_id = f.family_id"
    )
    op.alter_column('refresh_token', 'signed_in_at', nullable=False)
    op.create_index(op.f('ix_refresh_token_revoked_at'), 'refresh_token', ['revoked_at'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_refresh_token_revoked_at'), table_name='refresh_token')
    op.drop_column('refresh_token', 'signed_in_at')

"""idempotency records: the creating routes take Idempotency-Key as in the other services

Revision ID: c3e7a2b9d405
Revises: 66b23128d8e7
Create Date: 2026-12-04 20:30:00

The table of halfsky_common.idempotency.IdempotencyRecordBase, in this service's database.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'c3e7a2b9d405'
down_revision: str | None = '66b23128d8e7'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'idempotency_record',
        sa.Column('caller_id', sa.String(length=80), nullable=False),
        sa.Column('key', sa.String(length=200), nullable=False),
        sa.Column('endpoint', sa.String(length=300), nullable=False),
        sa.Column('request_hash', sa.String(length=64), nullable=False),
        sa.Column('status_code', sa.Integer(), nullable=True),
        sa.Column('response', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('headers', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('caller_id', 'key'),
    )


def downgrade() -> None:
    op.drop_table('idempotency_record')

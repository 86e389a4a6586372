"""the shared idempotency columns of halfsky_common.idempotency

Revision ID: a4c0e1d7b352
Revises: 539a6f7b8e50
Create Date: 2026-12-04 20:30:00

The record gains the headers replayed with its response (Location and ETag) and a wider endpoint, as in the other
services. Existing rows stay and still replay; their `headers` is NULL (a replay of them sends no Location/ETag) and
their fingerprint was taken by the old rule (the parsed body), so a retry that straddles the upgrade is refused with
422 rather than replayed: a refusal the client sees, never a second case.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'a4c0e1d7b352'
down_revision: str | None = '539a6f7b8e50'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('idempotency_record', sa.Column('headers', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.alter_column('idempotency_record', 'endpoint', type_=sa.String(length=300), existing_nullable=False)


def downgrade() -> None:
    op.alter_column('idempotency_record', 'endpoint', type_=sa.String(length=200), existing_nullable=False)
    op.drop_column('idempotency_record', 'headers')

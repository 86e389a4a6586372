"""the shared idempotency columns of halfsky_common.idempotency

Revision ID: b8d2f5a9c613
Revises: 7f3a9c1d2e4b
Create Date: 2026-12-04 20:30:00

The record takes the columns of the other services: keyed by (caller_id, key) instead of a serial id with a unique
(actor_id, key); `endpoint` ("POST /path") for `path`; `response` for `body`; `status_code` NULL (not 0) while the
first request is unanswered; the replayed headers stored (`headers`). Existing rows are kept and stay replayable:
the fingerprint rule (method, path, raw body) is this service's own, and their ETag is derived from the stored body's
`version` exactly as the replay derived it before.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = 'b8d2f5a9c613'
down_revision: str | None = '7f3a9c1d2e4b'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.drop_constraint('uq_idempotency_actor_key', 'idempotency_record', type_='unique')
    op.drop_constraint('idempotency_record_pkey', 'idempotency_record', type_='primary')
    op.drop_column('idempotency_record', 'id')
    op.alter_column('idempotency_record', 'actor_id', new_column_name='caller_id', type_=sa.String(length=80))
    op.alter_column('idempotency_record', 'body', new_column_name='response', nullable=True)
    op.alter_column('idempotency_record', 'status_code', nullable=True)
    op.alter_column('idempotency_record', 'path', new_column_name='endpoint')
    op.add_column('idempotency_record', sa.Column('headers', postgresql.JSONB(astext_type=sa.Text()), nullable=True))
    op.execute(
        """
        UPDATE idempotency_record
           SET endpoint = 'POST ' || endpoint,
               status_code = NULLIF(status_code, 0),
               response = CASE WHEN status_code = 0 THEN NULL ELSE response END,
               headers = CASE WHEN jsonb_typeof(response -> 'version') = 'number'
                              THEN jsonb_build_object('ETag', 'W/"' || (response ->> 'version') || '"') END
        """
    )
    op.create_primary_key('idempotency_record_pkey', 'idempotency_record', ['caller_id', 'key'])


def downgrade() -> None:
    op.drop_constraint('idempotency_record_pkey', 'idempotency_record', type_='primary')
    op.execute(
        """
        UPDATE idempotency_record
           SET endpoint = substr(endpoint, length('POST ') + 1),
               status_code = coalesce(status_code, 0),
               response = coalesce(response, '{}'::jsonb)
        """
    )
    op.drop_column('idempotency_record', 'headers')
    op.alter_column('idempotency_record', 'endpoint', new_column_name='path')
    op.alter_column('idempotency_record', 'status_code', nullable=False)
    op.alter_column('idempotency_record', 'response', new_column_name='body', nullable=False)
    op.alter_column('idempotency_record', 'caller_id', new_column_name='actor_id', type_=sa.String(length=64))
    op.add_column('idempotency_record', sa.Column('id', sa.Integer(), sa.Identity(), nullable=False))
    op.create_primary_key('idempotency_record_pkey', 'idempotency_record', ['id'])
    op.create_unique_constraint('uq_idempotency_actor_key', 'idempotency_record', ['actor_id', 'key'])

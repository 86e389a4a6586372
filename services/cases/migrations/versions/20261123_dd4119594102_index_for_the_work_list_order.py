"""Index for the work list order (urgent first, newest first): a region's first page without sorting it all

Revision ID: dd4119594102
Revises: 233136c13d62
Create Date: 2026-11-23 21:34:57.035378
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = 'dd4119594102'
down_revision: str | None = '233136c13d62'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        'ix_rights_case_worklist',
        'rights_case',
        [sa.text('(urgent::integer) DESC'), sa.text('received_at DESC'), sa.text('id DESC')],
        unique=False,
    )


def downgrade() -> None:
    op.drop_index('ix_rights_case_worklist', table_name='rights_case')

"""owners of the shared catalogue definitions

Who made a definition was not kept before: every existing element, data set, rule and target becomes national
(`/`), changed only by the admins at the top of the tree until they hand it on (the conservative reading of
"lower levels may not change the ones above"); the seeded programme catalogue is national anyway.

Revision ID: 66b23128d8e7
Revises: dad4ffa6ba00
Create Date: 2026-12-04 18:19:42.960919
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '66b23128d8e7'
down_revision: str | None = 'dad4ffa6ba00'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OWNED = ('data_element', 'data_set', 'indicator_target', 'validation_rule')


def upgrade() -> None:
    for table in OWNED:
        op.add_column(table, sa.Column('owner_org_path', sa.Text(), nullable=False, server_default='/'))
        op.alter_column(table, 'owner_org_path', server_default=None)  # new rows name their owner


def downgrade() -> None:
    for table in OWNED:
        op.drop_column(table, 'owner_org_path')

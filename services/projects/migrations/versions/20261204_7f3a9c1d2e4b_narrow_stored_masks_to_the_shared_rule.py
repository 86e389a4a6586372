"""narrow the stored masks to the shared rule of halfsky_common.personal

Revision ID: 7f3a9c1d2e4b
Revises: 2066ac214589
Create Date: 2026-12-04 20:00:00

The projects service keeps identity numbers and phones masked at write, so its masks are data: the rows written
before the shared rule keep the old, wider masks (440106********002X, 020***5432) unless rewritten. The new masks are
derived from the old ones, hiding only more, so no full value is needed: the district code of an 18-character number
(digits 5 and 6) and, of a phone that is not a mainland mobile, everything but the last four become `*`.
"""

from collections.abc import Sequence

from alembic import op

revision: str = '7f3a9c1d2e4b'
down_revision: str | None = '2066ac214589'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        r"""
        UPDATE beneficiary
           SET id_number_masked = left(id_number_masked, 4) || '**' || substr(id_number_masked, 7)
         WHERE id_number_masked ~ '^[0-9]{6}\*{8}[0-9]{3}[0-9X]$'
        """
    )
    # The old phone mask kept the first three digits of every number; a mainland mobile's mask is unchanged.
    op.execute(
        r"""
        UPDATE beneficiary
           SET phone_masked = repeat('*', length(phone_masked) - 4) || right(phone_masked, 4)
         WHERE phone_masked ~ '^[0-9]{3}\*+[0-9]{4}$' AND phone_masked !~ '^1[3-9][0-9]\*{4}[0-9]{4}$'
        """
    )


def downgrade() -> None:
    # A mask cannot be widened again: the hidden digits were never stored.
    pass

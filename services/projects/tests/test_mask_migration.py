"""The masks stored before the shared rule (halfsky_common.personal) are narrowed to it by a migration (issue 13).

The projects service keeps numbers masked at write, so a rule changed in code alone would leave two masks of the same
number in one table. The migration derives the new mask from the old one (it only hides more).
"""

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from halfsky_common.db import make_engine
from halfsky_common.migrations import upgrade_async
from halfsky_common.personal import check_phone, mask_id_number, mask_phone
from halfsky_common.rows import new_row
from halfsky_common.testing import fresh_database
from halfsky_projects.beneficiaries.models import Beneficiary
from halfsky_projects.projects.models import Project

SERVICE_DIR = Path(__file__).resolve().parents[1]
BEFORE = "2066ac214589"  # the last revision before the shared masks

# (old stored id mask, id_type, old stored phone mask, the full values they were made of)
ROWS = [
    ("110105********002X", "resident_id", "138****5678", "11010519491231002X", "13812345678"),
    ("944156********0023", "foreign_permanent_id", "020***5432", "944156198501010023", "0201235432"),
    ("H*****678", "hk_macao_permit", "075*****5432", "H12345678", "075512345432"),
    ("", "resident_id", "888*5432", "", "88885432"),
]


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    engine = make_engine(await fresh_database("projects_masks"))
    yield engine
    await engine.dispose()


async def test_old_masks_are_narrowed_to_the_shared_rule(engine: AsyncEngine) -> None:
    await upgrade_async(SERVICE_DIR, engine, BEFORE)
    project = new_row(
        Project,
        code="P-MASKS",
        name="巾帼创业就业技能培训",
        kind="government_purchase",
        category="employment",
        org_path="/44/4401/440106/",
        responsible_person="刘芳",
        supervising_leader="吴桂兰",
        overall_goal="培训",
        start_date=date(2026, 1, 1),
        end_date=date(2026, 12, 31),
    )
    async with engine.begin() as conn:
        await conn.execute(insert(Project.__table__), [project])  # type: ignore[arg-type]
        await conn.execute(
            insert(Beneficiary.__table__),  # type: ignore[arg-type]
            [
                new_row(
                    Beneficiary,
                    project_id=project["id"],
                    org_path=project["org_path"],
                    name="李晓红",
                    id_type=id_type,
                    id_number_masked=masked_id,
                    phone_masked=masked_phone,
                    registered_on=date(2026, 2, 1),
                )
                for masked_id, id_type, masked_phone, _, _ in ROWS
            ],
        )
    await upgrade_async(SERVICE_DIR, engine)
    async with engine.connect() as conn:
        stored = {
            (row.id_number_masked, row.phone_masked)
            for row in await conn.execute(text("SELECT id_number_masked, phone_masked FROM beneficiary"))
        }
    expected = {
        (mask_id_number(number, id_type) if number else "", mask_phone(check_phone(phone)))
        for _, id_type, _, number, phone in ROWS
    }
    assert stored == expected
    assert ("1101**********002X", "138****5678") in stored and ("9441**********0023", "******5432") in stored

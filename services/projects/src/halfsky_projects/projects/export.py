"""The project list as CSV (streamed) or XLSX, with the same filters and region scope as the list."""

import csv
import io
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from halfsky_common.auth import Principal
from halfsky_common.problems import Problem
from halfsky_common.spreadsheet import safe_cell
from halfsky_projects.projects.models import Project
from halfsky_projects.projects.service import ProjectFilters, list_statement

MAX_ROWS = 20_000
COLUMNS: list[tuple[str, str]] = [
    ("code", "项目编号"),
    ("name", "项目名称"),
    ("kind", "项目类型"),
    ("category", "项目类别"),
    ("org_path", "牵头单位"),
    ("status", "状态"),
    ("responsible_person", "负责人"),
    ("supervising_leader", "分管领导"),
    ("start_date", "开始日期"),
    ("end_date", "结束日期"),
    ("target_beneficiaries", "目标受益人数"),
    ("behind_schedule", "进度滞后"),
    ("is_brand", "品牌项目"),
]


async def rows(session: AsyncSession, *, user: Principal, filters: ProjectFilters) -> list[list[Any]]:
    """The header and one row per project, oldest first; refuses exports past MAX_ROWS."""
    stmt = list_statement(user, filters).order_by(col(Project.created_at), col(Project.id)).limit(MAX_ROWS + 1)
    projects = list((await session.execute(stmt)).scalars().all())
    if len(projects) > MAX_ROWS:
        raise Problem(422, f"More than {MAX_ROWS} projects match; narrow the filters.")
    out: list[list[Any]] = [[label for _, label in COLUMNS]]
    for p in projects:
        out.append([_cell(getattr(p, name)) for name, _ in COLUMNS])
    return out


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return safe_cell(value)


def to_csv(table: list[list[Any]]) -> Iterator[str]:
    """CSV lines with a BOM so spreadsheet programs read the Chinese headers as UTF-8."""
    yield "\ufeff"
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in table:
        writer.writerow(row)
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()


def to_xlsx(table: list[list[Any]]) -> bytes:
    """One worksheet holding the table."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("项目")
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

"""Turning cases into masked table rows, and the rows into CSV or XLSX bytes."""

import csv
import io
import uuid
from collections.abc import Sequence
from datetime import datetime

from openpyxl import Workbook  # type: ignore[import-untyped]

from halfsky_cases.cases.models import Case
from halfsky_cases.cases.service import is_overdue
from halfsky_cases.parties.models import Person
from halfsky_cases.protection.crypto import FieldCipher
from halfsky_common.audit import utcnow
from halfsky_common.clock import SHANGHAI
from halfsky_common.personal import DOCUMENT_NAMES_ZH, DocumentType, mask_id_number, mask_phone
from halfsky_common.spreadsheet import safe_cell

COLUMNS = (
    ("number", "案件编号"),
    ("received_at", "登记时间"),
    ("channel", "来源渠道"),
    ("primary_category", "案件类别"),
    ("subcategory", "子类"),
    ("status", "状态"),
    ("risk_level", "风险等级"),
    ("urgent", "紧急"),
    ("overdue", "超期"),
    ("org_path", "承办单位"),
    ("handler_name", "承办人"),
    ("victim_name", "当事人"),
    ("victim_phone", "联系电话"),
    ("victim_id_number", "证件号码"),  # 身份证号 until other documents than the resident ID were accepted
    ("victim_id_type", "证件类型"),
    ("summary", "案情摘要"),
    ("resolved_at", "办结时间"),
    ("resolution_type", "办结方式"),
)


def _local(moment: datetime | None) -> str:
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") if moment else ""


def rows(*, cases: Sequence[Case], victims: dict[uuid.UUID, Person], cipher: FieldCipher) -> list[list[str]]:
    """One masked row per case, in COLUMNS order."""
    now = utcnow()
    out = []
    for case in cases:
        victim = victims[case.victim_id]
        values = {
            **{name: str(getattr(case, name) or "") for name, _ in COLUMNS if hasattr(case, name)},
            "received_at": _local(case.received_at),
            "resolved_at": _local(case.resolved_at),
            "urgent": "是" if case.urgent else "",
            "overdue": "是" if is_overdue(case, now) else "",
            "victim_name": victim.name,
            "victim_phone": mask_phone(cipher.decrypt("phone", victim.phone_enc) or ""),
            "victim_id_number": mask_id_number(cipher.decrypt("id_number", victim.id_number_enc) or "", victim.id_type),
            "victim_id_type": DOCUMENT_NAMES_ZH[DocumentType(victim.id_type)] if victim.id_number_enc else "",
        }
        out.append([safe_cell(values[name]) for name, _ in COLUMNS])
    return out


def to_csv(table: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title in COLUMNS])
    writer.writerows(table)
    return ("\ufeff" + buffer.getvalue()).encode()  # the BOM makes Excel read UTF-8 Chinese correctly


def to_xlsx(table: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("维权案件")
    sheet.append([title for _, title in COLUMNS])
    for row in table:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()

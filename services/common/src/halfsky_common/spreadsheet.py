"""Cells of CSV and XLSX exports: no formula a spreadsheet would run, no character a workbook cannot hold."""

import re
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel and LibreOffice read as the start of a formula
NOT_IN_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")  # control characters XLSX (XML 1.0) cannot store


def safe_cell(value: Any) -> Any:
    """Text made inert: control characters shown as U+FFFD, a leading formula character escaped with '."""
    if not isinstance(value, str):
        return value
    value = NOT_IN_XML.sub("\ufffd", value)
    return "'" + value if value.startswith(FORMULA_START) else value

"""Reading uploaded tables within limits (halfsky_common.tabular): hostile files refused at the first row, cell or
byte past a limit, with memory that stays small whatever the file expands to; ordinary files read as before."""

import io
import time
import tracemalloc
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]

from halfsky_common.problems import Problem
from halfsky_common.tabular import Abandoned, Row, Stop, TableLimits, is_date_format, read_table
from halfsky_common.testing import XLSX_MAIN, inline_row, xlsx_file

SMALL = TableLimits(max_rows=3, max_bytes=1024 * 1024, max_xlsx_bytes=1024 * 1024, max_cell_chars=20, max_columns=5)
MB = 1024 * 1024


def read(data: bytes, name: str = "t.csv", limits: TableLimits = SMALL, **options: object) -> list[Row]:
    return list(read_table(io.BytesIO(data), filename=name, limits=limits, stop=Stop(), **options))  # type: ignore[arg-type]


def refused(data: bytes, name: str = "t.csv", limits: TableLimits = SMALL, **options: object) -> Problem:
    with pytest.raises(Problem) as caught:
        read(data, name, limits, **options)
    return caught.value


def test_a_csv_in_utf8_or_gb18030_reads_row_by_row_with_its_lines() -> None:
    text = "element,org\r\n\r\n folic_due ,天河区,,,\r\n"
    expected = [(1, ["element", "org"]), (3, ["folic_due", "天河区"])]  # blank line 2 skipped, padding trimmed
    assert read(text.encode("utf-8-sig")) == expected
    assert read(text.encode("gb18030")) == expected
    assert read(b"") == []


def test_a_csv_stops_at_the_first_row_past_the_limit() -> None:
    assert len(read(b"h\n1\n2\n3\n")) == 4  # the header and max_rows rows
    problem = refused(b"h\n1\n2\n3\n4\n" + b"5\n" * 100_000)
    assert (problem.status, problem.extra["code"]) == (413, "too_many_rows")
    assert "row 5 " in problem.detail and problem.errors == [{"field": "file", "message": "more than 3 rows"}]


def test_csv_cells_and_columns_are_bounded() -> None:
    problem = refused(b"a,b\n1," + b"x" * 21 + b"\n")
    assert (problem.status, problem.extra["code"]) == (422, "cell_too_long")
    assert problem.errors and problem.errors[0]["field"] == "rows.2.B"
    problem = refused(b"a\n1,2,3,4,5,6\n")
    assert (problem.status, problem.extra["code"], problem.errors[0]["field"]) == (422, "too_many_columns", "rows.2")
    problem = refused(b"a\n" * 600_000)  # 1.2 MB
    assert (problem.status, problem.extra["code"]) == (413, "file_too_large")


def test_unreadable_files_are_named() -> None:
    assert refused(b"a\n\xff\xfe\x00\n", encodings=("utf-8-sig",)).detail == "The file is not UTF-8 text."
    nul = refused(b"a,b\n1,x\x00y\n")  # csv takes it, PostgreSQL would not
    assert nul.extra["code"] == "unreadable_file" and nul.errors and nul.errors[0]["field"] == "rows.2.B"
    assert refused(b"PK not really", "x.xlsx").detail == "The file is not an XLSX workbook."
    assert read(b"PK,a\n1,2\n", "t.csv", xlsx=False) == [(1, ["PK", "a"]), (2, ["1", "2"])]


def test_an_excel_workbook_reads_as_text_like_excel_shows_it() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["数据元素", "单位代码", "期间", "数值", "备注"])
    sheet.append(["folic_due", 440106001, 2010, 10000.0, "  摸底 "])
    sheet.append(["folic_takers", "440106001", "2010Q1", 12.5, True])
    sheet.append([])
    sheet.append([None, None, datetime(2010, 1, 1), datetime(2010, 1, 1, 8, 30), date(2026, 2, 28)])
    buffer = io.BytesIO()
    book.save(buffer)
    assert read(buffer.getvalue(), "x.xlsx", TableLimits()) == [
        (1, ["数据元素", "单位代码", "期间", "数值", "备注"]),
        (2, ["folic_due", "440106001", "2010", "10000", "摸底"]),
        (3, ["folic_takers", "440106001", "2010Q1", "12.5", "TRUE"]),
        (5, ["", "", "2010-01-01", "2010-01-01 08:30:00", "2026-02-28"]),  # row 4 is empty
    ]
    assert is_date_format("yyyy-mm-dd") and is_date_format('[$-804]yyyy"年"m"月"d"日"')
    assert not is_date_format("0.00") and not is_date_format('[Red]#,##0 "dd"') and not is_date_format("General")


def test_a_sheet_with_prefixed_names_and_a_lying_dimension_reads_the_same() -> None:
    data = xlsx_file([inline_row(1, "a", "b"), inline_row(2, "1", "2")], sheet_head=b'<dimension ref="A1:XFD1048576"/>')
    assert read(data, "x.xlsx") == [(1, ["a", "b"]), (2, ["1", "2"])]
    prefixed = f'<x:row r="1" xmlns:x="{XLSX_MAIN}"><x:c r="B1" t="inlineStr"><x:is><x:t>b</x:t></x:is></x:c></x:row>'
    assert read(xlsx_file([prefixed.encode()]), "x.xlsx") == [(1, ["", "b"])]


def test_a_jump_to_the_last_row_of_a_sheet_is_refused_at_once_and_empty_rows_cost_nothing() -> None:
    far = xlsx_file([inline_row(1, "a"), b'<row r="1048576" s="1" customFormat="1"/>', b'<row r="1048576"><c/></row>'])
    assert read(far, "x.xlsx") == [(1, ["a"])]  # formatted rows without a value are no rows
    started = time.monotonic()
    problem = refused(xlsx_file([inline_row(1, "a"), inline_row(1048576, "x")]), "x.xlsx")
    assert (problem.status, problem.extra["code"]) == (413, "too_many_rows") and "row 1,048,576" in problem.detail
    assert time.monotonic() - started < 5


def test_a_workbook_expanding_past_the_limit_is_refused_from_the_zip_directory() -> None:
    bomb = xlsx_file([inline_row(1, "a")], parts={"xl/media/zeros.bin": bytes(2 * MB)})  # 2 KB compressed
    assert len(bomb) < 20_000
    problem = refused(bomb, "x.xlsx")
    assert (problem.status, problem.extra["code"]) == (413, "workbook_too_large")


def test_a_document_type_declaration_is_refused_so_entities_never_expand() -> None:
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]>'
    )
    data = xlsx_file([b'<row r="1"><c t="inlineStr"><is><t>&c;</t></is></c></row>'], prolog=laughs)
    problem = refused(data, "x.xlsx")
    assert problem.extra["code"] == "unreadable_file" and "document type" in problem.detail


def test_a_huge_cell_is_refused_while_it_arrives_with_little_memory() -> None:
    limits = TableLimits(max_cell_chars=2000, max_xlsx_bytes=64 * MB)
    huge = xlsx_file(
        [inline_row(1, "a"), b'<row r="2"><c t="inlineStr"><is><t>' + b"x" * (30 * MB) + b"</t></is></c></row>"]
    )
    tracemalloc.start()
    try:
        problem = refused(huge, "x.xlsx", limits)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert (problem.status, problem.extra["code"], problem.errors[0]["field"]) == (422, "cell_too_long", "rows.2.A")
    assert peak < 4 * MB  # the 30 MB of text never sits in memory


def test_shared_strings_cannot_multiply_a_long_text() -> None:
    strings = f'<sst xmlns="{XLSX_MAIN}"><si><t>h</t></si><si><t>{"x" * 20}</t></si><si><t>{"y" * 21}</t></si></sst>'
    shared = strings.encode()
    limits = TableLimits(max_cell_chars=20, max_xlsx_bytes=100_000)
    cell = b'<c t="s"><v>1</v></c>'
    ok = xlsx_file([b'<row><c t="s"><v>0</v></c></row>', b"<row>" + cell * 3 + b"</row>"], shared_strings=shared)
    assert read(ok, "x.xlsx", limits) == [(1, ["h"]), (2, ["x" * 20] * 3)]
    # 20 characters × 5,001 cells: a 100 KB text from a file of a few KB
    many = xlsx_file([b"<row>" + cell * 5 + b"</row>"] * 1001, shared_strings=shared)
    problem = refused(many, "x.xlsx", TableLimits(max_cell_chars=20, max_xlsx_bytes=100_000, max_rows=2000))
    assert (problem.status, problem.extra["code"]) == (413, "workbook_too_large")
    too_long = xlsx_file([b'<row><c t="s"><v>2</v></c></row>'], shared_strings=shared)
    assert refused(too_long, "x.xlsx", limits).extra["code"] == "cell_too_long"
    missing = xlsx_file([b'<row><c t="s"><v>-1</v></c></row>'], shared_strings=shared)
    assert refused(missing, "x.xlsx", limits).extra["code"] == "unreadable_file"


def test_values_past_the_last_column_are_refused_but_formatting_there_is_not() -> None:
    assert read(
        xlsx_file([b'<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c><c r="XFD1" s="3"/></row>']), "x.xlsx"
    ) == [(1, ["a"])]
    problem = refused(xlsx_file([b'<row r="1"><c r="F1"><v>1</v></c></row>']), "x.xlsx")
    assert (problem.extra["code"], problem.errors[0]["field"]) == ("too_many_columns", "rows.1")


def test_encrypted_or_oddly_compressed_workbooks_are_refused() -> None:
    book = io.BytesIO()
    with zipfile.ZipFile(book, "w", zipfile.ZIP_LZMA) as z:
        z.writestr("xl/workbook.xml", "<workbook/>")
    assert refused(book.getvalue(), "x.xlsx").extra["code"] == "unreadable_file"


def test_a_stop_ends_the_reading_between_rows() -> None:
    stop = Stop()
    rows = read_table(io.BytesIO(b"h\n1\n2\n"), filename="t.csv", limits=SMALL, stop=stop)
    assert next(rows) == (1, ["h"])
    stop.set()
    with pytest.raises(Abandoned):
        next(rows)
    sheet = xlsx_file([inline_row(1, "h"), inline_row(2, "1")])
    stopped = Stop()
    stopped.set()
    with pytest.raises(Abandoned):
        list(read_table(io.BytesIO(sheet), filename="x.xlsx", limits=SMALL, stop=stopped))

"""Uploaded tables (CSV or XLSX) read row by row within limits, so that no file can hold a service for long.

`read_table` yields `(line, cells)`: the header first, then each row, cells as stripped text. Every limit is
checked while reading, at the first row, cell or byte past it, never after the whole file is in memory:

- the upload's size; for an XLSX also the uncompressed size of all its parts, from the zip's central directory
  before anything is inflated (zipfile stops each part at the size stated there, and a part that inflates to
  something else fails its CRC), which bounds every XML part, the shared strings with them;
- rows: the first row past `max_rows` that holds a value is refused (a row's line is its number in the sheet,
  so neither a lying `<dimension>` nor a jump to row 1,048,576 costs anything), columns and characters per cell;
- the text all cells add up to (shared strings let a small file repeat a long text in every cell).

The XLSX reader is our own, over expat fed 64 KiB at a time with no tree kept, because neither library bounds
memory against a hostile file: openpyxl's read-only mode parses a whole sheet to find its size when the
`<dimension>` is missing, holds each `<row>` element whole and keeps every row it has read attached to the
`<sheetData>` element; python-calamine reads the whole sheet into memory before the first row comes out. Only
openpyxl's knowledge of formats is missing here, and only date formats matter (a date is shown as ISO text).
A document type declaration is refused (no entity expansion at all), as XLSX never has one.

The reader is synchronous and checks `stop` between rows: run it in a worker thread (`halfsky_common.offloop`).
"""

import codecs
import csv
import io
import posixpath
import re
import threading
import zipfile
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, BinaryIO, NoReturn
from xml.parsers import expat

from halfsky_common.problems import Problem, field_error

CHUNK = 64 * 1024  # bytes fed to expat at a time; a stop is noticed within one chunk

Row = tuple[int, list[str]]  # the line in the file (the header being 1 in a CSV) and its cells


@dataclass(frozen=True)
class TableLimits:
    """What an uploaded table may hold; the service's settings give the values (`ServiceSettings.table_limits`)."""

    max_rows: int = 100_000  # after the header
    max_bytes: int = 10 * 1024 * 1024  # the upload as sent
    max_xlsx_bytes: int = 64 * 1024 * 1024  # a workbook's parts uncompressed, and the text its cells hold
    max_cell_chars: int = 2000
    max_columns: int = 50


class Abandoned(Problem):
    """The client went away: the work for it was stopped. Nobody reads the answer; the access log shows 499."""

    def __init__(self) -> None:
        super().__init__(499, "The client closed the connection; the work was stopped.", code="abandoned")


class Stop:
    """Set (from the event loop) when the client has gone; the worker thread calls `check()` between rows."""

    def __init__(self) -> None:
        self._event = threading.Event()

    def set(self) -> None:
        self._event.set()

    def is_set(self) -> bool:
        return self._event.is_set()

    def check(self) -> None:
        if self._event.is_set():
            raise Abandoned()


def refuse(status: int, code: str, detail: str, *, field: str = "file", message: str | None = None) -> Problem:
    """The problem of a file that cannot be taken, naming where."""
    return Problem(status, detail, errors=[field_error(field, message or detail)], code=code)


def unreadable(detail: str) -> Problem:
    return refuse(422, "unreadable_file", detail)


def column_letter(index: int) -> str:
    """1 → A, 27 → AA: how a spreadsheet names the column."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def read_table(
    source: BinaryIO,
    *,
    filename: str,
    limits: TableLimits,
    stop: Stop,
    xlsx: bool = True,
    encodings: tuple[str, ...] = ("utf-8-sig", "gb18030"),
) -> Iterator[Row]:
    """The rows of an uploaded CSV (in the first of `encodings` that decodes it whole) or, when `xlsx` is allowed
    and the name or the content says so, of the first sheet of a workbook. Rows without any value are skipped."""
    size = source.seek(0, io.SEEK_END)
    source.seek(0)
    if size > limits.max_bytes:
        raise refuse(413, "file_too_large", f"The file is larger than {limits.max_bytes:,} bytes; split it.")
    is_xlsx = xlsx and (filename.lower().endswith(".xlsx") or source.read(2) == b"PK")
    source.seek(0)
    if is_xlsx:
        yield from _Workbook(source, limits, stop).rows()
    else:
        yield from _csv_rows(source, limits, stop, encodings)


def _too_many_rows(line: int, limits: TableLimits) -> Problem:
    return refuse(
        413,
        "too_many_rows",
        f"At most {limits.max_rows:,} rows per file (row {line:,} holds data); split it.",
        message=f"more than {limits.max_rows} rows",
    )


def _cell_too_long(line: int, column: int, limits: TableLimits) -> Problem:
    at = f"rows.{line}.{column_letter(column)}"
    return refuse(
        422,
        "cell_too_long",
        f"The cell in row {line}, column {column_letter(column)} is longer than {limits.max_cell_chars:,} characters.",
        field=at,
        message=f"longer than {limits.max_cell_chars} characters",
    )


def _too_many_columns(line: int, limits: TableLimits) -> Problem:
    return refuse(
        422,
        "too_many_columns",
        f"Row {line} has values past column {column_letter(limits.max_columns)} ({limits.max_columns} columns).",
        field=f"rows.{line}",
        message=f"more than {limits.max_columns} columns",
    )


# --- CSV -------------------------------------------------------------------------------------------------------


def _decodes(source: BinaryIO, encoding: str, stop: Stop) -> bool:
    """Whether the whole file decodes, checked a chunk at a time (nothing kept)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    source.seek(0)
    try:
        while chunk := source.read(1024 * 1024):
            stop.check()
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        source.seek(0)
    return True


def _csv_rows(source: BinaryIO, limits: TableLimits, stop: Stop, encodings: tuple[str, ...]) -> Iterator[Row]:
    encoding = next((e for e in encodings if _decodes(source, e, stop)), None)
    if encoding is None:
        names = [e.removesuffix("-sig").upper() for e in encodings]
        either = f"neither {' nor '.join(names)}" if len(names) > 1 else f"not {names[0]}"
        raise unreadable(f"The file is {either} text.")
    # TextIOWrapper decodes as csv asks for lines; the upload itself stays in its spooled file.
    text = io.TextIOWrapper(source, encoding=encoding, newline="")  # type: ignore[type-var]
    try:
        reader = csv.reader(text)
        line = 0
        while True:
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a NUL byte, a stray quote at the end of the file, a field past csv's limit
                raise unreadable(f"The file is not a readable CSV (line {reader.line_num}): {exc}.") from None
            line += 1
            stop.check()
            if line > limits.max_rows + 1:  # every line counts: a CSV's lines are its rows
                raise _too_many_rows(line, limits)
            while cells and not cells[-1].strip():  # Excel pads rows with empty cells to the widest one
                cells.pop()
            if len(cells) > limits.max_columns:
                raise _too_many_columns(line, limits)
            for column, cell in enumerate(cells, start=1):
                if len(cell) > limits.max_cell_chars:
                    raise _cell_too_long(line, column, limits)
                if "\x00" in cell:  # csv reads it, PostgreSQL cannot store it (XML cannot even say it)
                    at = f"row {line}, column {column_letter(column)}"
                    raise refuse(
                        422,
                        "unreadable_file",
                        f"The cell in {at} holds the NUL character.",
                        field=f"rows.{line}.{column_letter(column)}",
                        message="contains the NUL character",
                    )
            if cells:
                yield line, [c.strip() for c in cells]
    finally:
        text.detach()  # the upload is the caller's to close


# --- XLSX ------------------------------------------------------------------------------------------------------

MAIN_RELS = "_rels/.rels"
SEP = "}"  # expat's namespace separator: names come as "uri}local"
R_ID = "http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
# Built-in number formats that show dates or times (ECMA-376 §18.8.30, plus the East Asian ones Excel uses for
# 年月日 in Chinese locales).
DATE_FORMAT_IDS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_QUOTED = re.compile(r'"[^"]*"|\\.|\[(?!h\]|hh\]|m\]|mm\]|s\]|ss\])[^\]]*\]', re.IGNORECASE)


def is_date_format(code: str) -> bool:
    """A custom number format that shows a date or a time: d, m, y, h or s outside quotes and [colour] tags."""
    section = _QUOTED.sub("", code.split(";", 1)[0])
    return any(ch in "dmyhsDMYHS" for ch in section)


def _local(name: str) -> str:
    return name.rpartition(SEP)[2]


# The sheet's and the shared strings' elements by their full names (transitional and strict OOXML), so that each
# of the millions of events costs one dictionary look-up; elements of other namespaces are passed over.
SPREADSHEET_NS = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
TAGS = {
    f"{ns}{SEP}{local}": local
    for ns in SPREADSHEET_NS
    for local in ("sheetData", "row", "c", "v", "is", "t", "rPh", "si")
}
# column letters to numbers, A to ZZ (three letters are worked out)
COLUMN_NUMBERS = {column_letter(i): i for i in range(1, 703)}
DIGITS = "0123456789"


def _no_dtd(*_: Any) -> NoReturn:
    raise unreadable("The workbook declares a document type; XLSX never does, so it is refused.")


class _Strings:
    """The shared strings, compact: their UTF-8 back to back and where each ends (a Python str per entry would
    cost 50 bytes on top of its text). A string longer than a cell may be is kept as unusable, its text dropped."""

    def __init__(self) -> None:
        self.data = bytearray()
        self.ends = array("Q")
        self.too_long: set[int] = set()  # at most max_xlsx_bytes / max_cell_chars of them

    def add(self, text: str | None) -> None:
        if text is None:
            self.too_long.add(len(self.ends))
        else:
            self.data += text.encode()
        self.ends.append(len(self.data))

    def get(self, index: int) -> str | None:
        """The string, None when it is too long; IndexError when there is no such string."""
        if not 0 <= index < len(self.ends):
            raise IndexError(index)
        if index in self.too_long:
            return None
        return self.data[self.ends[index - 1] if index else 0 : self.ends[index]].decode()


def _int(text: str | None, default: int) -> int:
    """A small whole number written in ASCII digits, else `default` (int() would take "²" and 10**4300 digits)."""
    return int(text) if text and len(text) < 10 and text.isascii() and text.isdecimal() else default


class _Workbook:
    """One uploaded workbook: its parts located through the relationships, the first sheet's rows streamed."""

    def __init__(self, source: BinaryIO, limits: TableLimits, stop: Stop) -> None:
        self.limits, self.stop = limits, stop
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise unreadable("The file is not an XLSX workbook.") from None
        infos = self.zip.infolist()
        expanded = sum(i.file_size for i in infos)
        if expanded > limits.max_xlsx_bytes:
            raise refuse(
                413,
                "workbook_too_large",
                f"The workbook expands to {expanded:,} bytes, more than {limits.max_xlsx_bytes:,}; split it.",
            )
        for info in infos:
            if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise unreadable("The workbook is encrypted or compressed in a way Excel does not write.")
        self.parts = {i.filename.lower(): i for i in infos if not i.is_dir()}  # OOXML part names ignore case
        self.text_chars = 0

    def _feed(
        self,
        info: zipfile.ZipInfo,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        chars: Callable[[str], None] | None = None,
        done: Callable[[], bool] = lambda: False,
    ) -> Iterator[None]:
        """One XML part through expat with these handlers, a chunk at a time (yielding after each), until the end
        or until `done()`."""
        parser = expat.ParserCreate(namespace_separator=SEP)
        parser.buffer_text = True  # text arrives in pieces of at most buffer_size: a huge text is seen growing
        parser.StartDoctypeDeclHandler = _no_dtd
        parser.EntityDeclHandler = _no_dtd
        parser.StartElementHandler = start
        if end is not None:
            parser.EndElementHandler = end
        if chars is not None:
            parser.CharacterDataHandler = chars
        try:
            with self.zip.open(info) as part:
                while not done() and (chunk := part.read(CHUNK)):
                    self.stop.check()
                    parser.Parse(chunk, False)
                    yield
                if not done():
                    parser.Parse(b"", True)
        except expat.ExpatError as exc:
            raise unreadable(f"The workbook's {info.filename} is not well-formed XML: {exc}.") from None
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as exc:  # a CRC that does not match, a cut file
            raise unreadable(f"The workbook's {info.filename} cannot be read: {exc}.") from None

    def _parse(
        self,
        name: str,
        start: Callable[[str, dict[str, str]], None],
        end: Callable[[str], None] | None = None,
        chars: Callable[[str], None] | None = None,
        done: Callable[[], bool] = lambda: False,
    ) -> bool:
        """The part parsed whole (or until `done()`); False when the workbook has no such part."""
        info = self.parts.get(name.lower())
        if info is None:
            return False
        for _ in self._feed(info, start, end, chars, done):
            pass
        return True

    def _relationships(self, part: str) -> dict[str, tuple[str, str]]:
        """Id → (type, target resolved to a part name) of a part's relationships."""
        folder, base = posixpath.split(part)
        out: dict[str, tuple[str, str]] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            if _local(name) == "Relationship" and attrs.get("TargetMode") != "External":
                target = attrs.get("Target", "")
                resolved = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
                out[attrs.get("Id", "")] = (attrs.get("Type", ""), posixpath.normpath(resolved))

        self._parse(posixpath.join(folder, "_rels", base + ".rels"), start)
        return out

    def rows(self) -> Iterator[Row]:
        book = next(
            (t for kind, t in self._relationships("").values() if kind.endswith("/officeDocument")), "xl/workbook.xml"
        )
        found: dict[str, str] = {}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "sheet" and "sheet" not in found:
                found["sheet"] = attrs.get(R_ID, "")
            elif local == "workbookPr":
                found["date1904"] = attrs.get("date1904", "")

        if not self._parse(book, start, done=lambda: "sheet" in found):
            raise unreadable("The file is not an XLSX workbook (it has no workbook part).")
        rels = self._relationships(book)
        sheet = rels.get(found.get("sheet", ""), ("", ""))[1]
        if not sheet or sheet.lower() not in self.parts:
            raise unreadable("The workbook has no sheet.")
        strings = next((t for kind, t in rels.values() if kind.endswith("/sharedStrings")), None)
        styles = next((t for kind, t in rels.values() if kind.endswith("/styles")), None)
        shared = self._shared_strings(strings) if strings else _Strings()
        dates = self._date_styles(styles) if styles else bytearray()
        epoch = datetime(1904, 1, 1) if found.get("date1904", "").lower() in ("1", "true") else None
        yield from _SheetReader(self, shared, dates, epoch).rows(sheet)

    def _shared_strings(self, part: str) -> _Strings:
        table = _Strings()
        max_chars = self.limits.max_cell_chars
        state = {"si": False, "t": False, "rPh": 0, "len": 0}
        pieces: list[str] = []

        def start(name: str, _: dict[str, str]) -> None:
            local = TAGS.get(name)
            if local == "si":
                state.update(si=True, len=0)
                pieces.clear()
            elif local == "rPh":  # phonetic guide text (furigana): not part of the string
                state["rPh"] += 1
            elif local == "t" and state["si"] and not state["rPh"]:
                state["t"] = True

        def end(name: str) -> None:
            local = TAGS.get(name)
            if local == "t":
                state["t"] = False
            elif local == "rPh":
                state["rPh"] -= 1
            elif local == "si":
                state["si"] = False
                table.add(None if state["len"] > max_chars else "".join(pieces))
                pieces.clear()

        def chars(data: str) -> None:
            if state["t"]:
                state["len"] += len(data)
                if state["len"] <= max_chars:
                    pieces.append(data)

        self._parse(part, start, end, chars)
        return table

    def _date_styles(self, part: str) -> bytearray:
        """One flag per cell style (`s` of a cell): 1 when its number format shows a date or time."""
        custom: dict[int, bool] = {}
        formats = array("I")
        depth = {"cellXfs": 0}

        def start(name: str, attrs: dict[str, str]) -> None:
            local = _local(name)
            if local == "numFmt":
                custom[_int(attrs.get("numFmtId"), -1)] = is_date_format(attrs.get("formatCode", ""))
            elif local == "cellXfs":
                depth["cellXfs"] += 1
            elif local == "xf" and depth["cellXfs"]:
                formats.append(_int(attrs.get("numFmtId"), 0))

        def end(name: str) -> None:
            if _local(name) == "cellXfs":
                depth["cellXfs"] -= 1

        self._parse(part, start, end)
        return bytearray(1 if custom.get(f, f in DATE_FORMAT_IDS) else 0 for f in formats)


class _SheetReader:
    """The expat handlers of one sheet: a row's cells gathered, the row queued when it ends (pushed parsing), every
    limit checked as the text arrives."""

    def __init__(self, book: _Workbook, strings: _Strings, dates: bytearray, epoch: datetime | None) -> None:
        self.book, self.limits, self.strings, self.dates, self.epoch = book, book.limits, strings, dates, epoch
        self.in_data = self.finished = False
        self.line = 0  # the current row's number
        self.cells: dict[int, str] = {}
        self.column = 0
        self.kind = self.style = ""
        self.collecting = False  # inside a <v>, or a <t> of an inline string
        self.phonetic = 0
        self.pieces: list[str] = []
        self.length = 0
        self.ready: list[Row] = []

    def rows(self, part: str) -> Iterator[Row]:
        for _ in self.book._feed(self.book.parts[part.lower()], self.start, self.end, self.chars, self.is_done):
            yield from self.ready  # the rows of one chunk: a few thousand at most
            self.ready.clear()
        yield from self.ready

    def is_done(self) -> bool:
        return self.finished

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = TAGS.get(name)
        if local is None:
            return
        if not self.in_data:
            self.in_data = local == "sheetData"
        elif local == "c":
            ref = attrs.get("r")
            self.column = (COLUMN_NUMBERS.get(ref.rstrip(DIGITS)) or self._column(ref)) if ref else self.column + 1
            self.kind, self.style = attrs.get("t", "n"), attrs.get("s", "")
            self.pieces.clear()
            self.length = 0
        elif local == "v" or (local == "t" and self.kind == "inlineStr" and not self.phonetic):
            self.collecting = True
        elif local == "row":
            # a row's line is its number; rows ascend, so one without a usable number follows the last
            self.line = max(_int(attrs.get("r"), 0), self.line + 1)
            self.cells = {}
            self.column = 0
        elif local == "rPh":
            self.phonetic += 1

    def _column(self, ref: str) -> int:
        letters = ref.rstrip(DIGITS).upper()
        if not letters or len(letters) > 3 or not letters.isalpha() or not letters.isascii():
            raise unreadable(f"The workbook has a cell named {ref[:20]!r}.")
        index = 0
        for ch in letters:
            index = index * 26 + ord(ch) - 64
        return index

    def chars(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            if self.length > self.limits.max_cell_chars:
                raise _cell_too_long(self.line, self.column, self.limits)
            self.pieces.append(data)

    def end(self, name: str) -> None:
        local = TAGS.get(name)
        if local is None or not self.in_data:
            return
        if local == "v" or local == "t":
            self.collecting = False
        elif local == "c":
            if not self.pieces:
                return
            value = self._value("".join(self.pieces)).strip()
            if value:
                if self.column > self.limits.max_columns:
                    raise _too_many_columns(self.line, self.limits)
                self.book.text_chars += len(value)
                if self.book.text_chars > self.limits.max_xlsx_bytes:
                    raise refuse(
                        413,
                        "workbook_too_large",
                        f"The workbook's cells hold more than {self.limits.max_xlsx_bytes:,} characters; split it.",
                    )
                self.cells[self.column] = value
        elif local == "row":
            if self.cells:
                if self.line > self.limits.max_rows + 1:
                    raise _too_many_rows(self.line, self.limits)
                width = max(self.cells)
                self.ready.append((self.line, [self.cells.get(i, "") for i in range(1, width + 1)]))
            self.book.stop.check()
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "sheetData":
            self.in_data, self.finished = False, True  # what follows the data (merges, formats) is not read

    def _value(self, text: str) -> str:
        kind = self.kind
        if kind == "s":
            try:
                shared = self.strings.get(_int(text.strip(), -1))
            except IndexError:
                raise unreadable(f"The cell in row {self.line} names a shared string that is not there.") from None
            if shared is None:
                raise _cell_too_long(self.line, self.column, self.limits)
            return shared
        if kind == "b":
            return {"1": "TRUE", "0": "FALSE"}.get(text.strip(), text)
        if kind == "n" and text:
            return self._number(text.strip())
        return text  # inlineStr, str (a formula's text), e (#N/A), d (ISO date)

    def _number(self, text: str) -> str:
        try:
            number = float(text) if any(ch in text for ch in ".eE") else int(text)
        except ValueError:
            return text
        style = _int(self.style, 0)
        if style < len(self.dates) and self.dates[style]:
            return self._date(float(number)) or text
        if isinstance(number, float):
            return str(int(number)) if number.is_integer() else repr(number)
        return str(number)

    def _date(self, serial: float) -> str | None:
        """Excel's day number as ISO text (the 1900 system counts a 29 February 1900 that never was)."""
        if self.epoch is not None:
            base = self.epoch
        else:
            base = datetime(1899, 12, 30) if serial >= 61 else datetime(1899, 12, 31)
        try:
            moment = base + timedelta(days=serial)
        except (OverflowError, ValueError):
            return None
        moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
        if moment.time() == datetime.min.time():
            return moment.date().isoformat()
        return moment.isoformat(sep=" ")

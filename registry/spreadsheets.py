"""One guard for every uploaded spreadsheet (case import page, admin imports, workers).

`spreadsheet_check` looks at the bytes *before* anything parses them, so a decompression
bomb or an oversized sheet is refused with the limit it broke, never loaded:

- any file: its size;
- XLSX (a zip): the number of members, each member's declared size and compression ratio,
  the total uncompressed size, then a streaming pass (expat, 64 KB at a time, nothing kept)
  over every XML member that counts rows and columns (the sheet's `<dimension>` first, so
  a sheet that declares too many rows stops at once), measures every shared string and
  inline string, and refuses DTDs (entity expansion);
- CSV: UTF-8, rows, columns and cell length, read as a stream.

zipfile itself never inflates a member past its declared size (it stops and fails the CRC),
and the streaming pass counts the bytes it really inflates, so a zip that lies about its
sizes is refused too. `spreadsheet_read` checks, then parses with tablib.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from typing import IO
from xml.parsers import expat

import tablib
from django.conf import settings
from django.core.exceptions import ValidationError

CHUNK = 64 * 1024
ZIP_MAGIC = b"PK\x03\x04"
# Ratios are judged only on members large enough to matter: tiny XML parts compress oddly.
RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class SpreadsheetLimits:
    max_bytes: int
    max_uncompressed_bytes: int
    max_ratio: int
    max_rows: int
    max_columns: int
    max_cell_chars: int
    max_members: int

    @classmethod
    def from_settings(cls) -> SpreadsheetLimits:
        return cls(
            max_bytes=settings.LODESTONE_SPREADSHEET_MAX_BYTES,
            max_uncompressed_bytes=settings.LODESTONE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.LODESTONE_SPREADSHEET_MAX_RATIO,
            max_rows=settings.LODESTONE_SPREADSHEET_MAX_ROWS,
            max_columns=settings.LODESTONE_SPREADSHEET_MAX_COLUMNS,
            max_cell_chars=settings.LODESTONE_SPREADSHEET_MAX_CELL_CHARS,
            max_members=settings.LODESTONE_SPREADSHEET_MAX_MEMBERS,
        )


class SpreadsheetRefused(ValidationError):
    """The upload broke a limit (named in the message and in `limit`); nothing was parsed."""

    def __init__(self, message: str, *, limit: str):
        super().__init__(message, code="spreadsheet_refused", params={"limit": limit})
        self.limit = limit


@dataclass(frozen=True)
class SpreadsheetFacts:
    kind: str  # "csv" or "xlsx"
    size: int
    rows: int  # header included
    uncompressed: int = 0


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


def _size(file: IO[bytes]) -> int:
    size = getattr(file, "size", None)
    if size is None:
        pos = file.tell()
        file.seek(0, io.SEEK_END)
        size = file.tell()
        file.seek(pos)
    return int(size)


def spreadsheet_kind(file: IO[bytes]) -> str:
    """By content, not by name: a zip is checked as XLSX whatever it is called."""
    file.seek(0)
    head = file.read(4)
    file.seek(0)
    return "xlsx" if head == ZIP_MAGIC else "csv"


def spreadsheet_check(
    file: IO[bytes], *, limits: SpreadsheetLimits | None = None
) -> SpreadsheetFacts:
    """Refuse (SpreadsheetRefused) an upload that breaks a limit; parse nothing."""
    limits = limits or SpreadsheetLimits.from_settings()
    size = _size(file)
    if size > limits.max_bytes:
        raise SpreadsheetRefused(
            f"The file is {_mb(size)}; the limit is {_mb(limits.max_bytes)} "
            "(LODESTONE_SPREADSHEET_MAX_BYTES). Split it.",
            limit="max_bytes",
        )
    try:
        if spreadsheet_kind(file) == "xlsx":
            return _check_xlsx(file, size, limits)
        return _check_csv(file, size, limits)
    finally:
        file.seek(0)


def spreadsheet_read(file: IO[bytes], *, limits: SpreadsheetLimits | None = None) -> tablib.Dataset:
    """Check, then parse into a tablib Dataset (first sheet; CSV as UTF-8)."""
    return spreadsheet_parse(file, spreadsheet_check(file, limits=limits))


def spreadsheet_parse(file: IO[bytes], facts: SpreadsheetFacts) -> tablib.Dataset:
    """Parse a file that `spreadsheet_check` passed (its facts are the proof)."""
    file.seek(0)
    content = file.read()
    file.seek(0)
    try:
        if facts.kind == "csv":
            return tablib.Dataset().load(content.decode("utf-8-sig"), format="csv")
        return tablib.Dataset().load(content, format="xlsx")
    except UnicodeDecodeError as exc:
        raise ValidationError("The CSV file is not UTF-8 text.") from exc
    except Exception as exc:
        raise ValidationError(f"The file could not be read as {facts.kind.upper()}: {exc}") from exc


# --- XLSX ---------------------------------------------------------------------------------


def _check_xlsx(file: IO[bytes], size: int, limits: SpreadsheetLimits) -> SpreadsheetFacts:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ValidationError("The file is not a valid XLSX workbook (a damaged zip).") from exc
    with archive:
        members = archive.infolist()
        if len(members) > limits.max_members:
            raise SpreadsheetRefused(
                f"The workbook has {len(members):,} parts; the limit is {limits.max_members:,} "
                "(LODESTONE_SPREADSHEET_MAX_MEMBERS).",
                limit="max_members",
            )
        total = 0
        for info in members:
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > RATIO_FLOOR_BYTES and ratio > limits.max_ratio:
                raise SpreadsheetRefused(
                    f"{info.filename} inflates {ratio:,.0f} times (to {_mb(info.file_size)}); "
                    f"the limit is {limits.max_ratio} (LODESTONE_SPREADSHEET_MAX_RATIO). "
                    "It looks like a decompression bomb and is refused unread.",
                    limit="max_ratio",
                )
            total += info.file_size
            if total > limits.max_uncompressed_bytes:
                raise SpreadsheetRefused(
                    f"The workbook unpacks to more than {_mb(limits.max_uncompressed_bytes)} "
                    "(LODESTONE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES); it is refused unread.",
                    limit="max_uncompressed_bytes",
                )
        if not any(m.filename.startswith("xl/worksheets/") for m in members):
            raise ValidationError("The file is not an XLSX workbook (no worksheet in it).")
        budget = [limits.max_uncompressed_bytes]
        rows = 0
        for info in members:
            if info.filename.endswith((".xml", ".rels")):
                scan = _XmlScan(info.filename, limits)
                _stream(archive, info, scan, budget, limits)
                rows = max(rows, scan.rows)
    return SpreadsheetFacts(kind="xlsx", size=size, rows=rows, uncompressed=total)


_DIMENSION = re.compile(r"^[A-Z]+(\d+)(?::([A-Z]+)(\d+))?$")


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


class _XmlScan:
    """expat handlers: rows, columns and text length per cell/shared string, no DTDs."""

    def __init__(self, name: str, limits: SpreadsheetLimits):
        self.name = name
        self.limits = limits
        self.sheet = name.startswith("xl/worksheets/")
        self.strings = name == "xl/sharedStrings.xml"
        self.rows = 0
        self.cells_in_row = 0
        self.in_text = False
        self.chars = 0  # characters of the current cell or shared string

    def parser(self):
        p = expat.ParserCreate()
        p.buffer_text = True
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        p.StartDoctypeDeclHandler = self._doctype
        p.EntityDeclHandler = self._doctype
        if self.sheet or self.strings:
            p.StartElementHandler = self._start
            p.CharacterDataHandler = self._text
        return p

    def _doctype(self, *args):
        raise SpreadsheetRefused(
            f"{self.name} declares a DTD or entities; spreadsheets never need them.",
            limit="dtd",
        )

    def _start(self, name: str, attrs: dict) -> None:
        # No end handler (a third fewer callbacks on a large sheet): text counts only
        # right after <v>/<t> and stops at the next element; whitespace between is noise.
        local = name.rpartition(":")[2]
        if local == "v" or local == "t":
            self.in_text = True
            return
        self.in_text = False
        if local == "c":
            self.chars = 0
            self.cells_in_row += 1
            if self.cells_in_row > self.limits.max_columns:
                self._refuse_columns(self.cells_in_row)
        elif local == "si":
            self.chars = 0
        elif local == "row":
            self.rows += 1
            self.cells_in_row = 0
            if self.rows > self.limits.max_rows:
                self._refuse_rows(f"more than {self.limits.max_rows:,}")
        elif local == "dimension" and self.sheet:
            match = _DIMENSION.match(attrs.get("ref", "").replace("$", "").upper())
            if match:
                last_row = int(match.group(3) or match.group(1))
                if last_row > self.limits.max_rows:
                    self._refuse_rows(f"{last_row:,} (its declared dimension)")
                if match.group(2) and _column_number(match.group(2)) > self.limits.max_columns:
                    self._refuse_columns(_column_number(match.group(2)))

    def _text(self, data: str) -> None:
        if self.in_text:
            self.chars += len(data)
            if self.chars > self.limits.max_cell_chars:
                what = "A shared string" if self.strings else f"A cell on row {self.rows:,}"
                raise SpreadsheetRefused(
                    f"{what} is longer than {self.limits.max_cell_chars:,} characters "
                    "(LODESTONE_SPREADSHEET_MAX_CELL_CHARS).",
                    limit="max_cell_chars",
                )

    def _refuse_rows(self, count: str) -> None:
        raise SpreadsheetRefused(
            f"The sheet has {count} rows; the limit is {self.limits.max_rows:,} "
            "(LODESTONE_SPREADSHEET_MAX_ROWS). Split it.",
            limit="max_rows",
        )

    def _refuse_columns(self, count: int) -> None:
        raise SpreadsheetRefused(
            f"The sheet has {count:,} columns; the limit is {self.limits.max_columns:,} "
            "(LODESTONE_SPREADSHEET_MAX_COLUMNS).",
            limit="max_columns",
        )


def _stream(archive, info, scan: _XmlScan, budget: list[int], limits) -> None:
    parser = scan.parser()
    try:
        with archive.open(info) as member:
            while chunk := member.read(CHUNK):
                budget[0] -= len(chunk)
                if budget[0] < 0:
                    raise SpreadsheetRefused(
                        "The workbook unpacks to more than "
                        f"{_mb(limits.max_uncompressed_bytes)} "
                        "(LODESTONE_SPREADSHEET_MAX_UNCOMPRESSED_BYTES).",
                        limit="max_uncompressed_bytes",
                    )
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise ValidationError(f"The workbook part {info.filename} is not valid XML.") from exc
    except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError) as exc:
        raise ValidationError(f"The workbook part {info.filename} cannot be read: {exc}") from exc


# --- CSV ----------------------------------------------------------------------------------


def _check_csv(file: IO[bytes], size: int, limits: SpreadsheetLimits) -> SpreadsheetFacts:
    file.seek(0)
    raw = file.read(size)
    try:
        text = codecs.decode(raw, "utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationError("The CSV file is not UTF-8 text.") from exc
    if "\x00" in text:
        raise ValidationError("The CSV file contains NUL bytes; it is not a text spreadsheet.")
    rows = 0
    reader = csv.reader(io.StringIO(text, newline=""))
    # csv's own field limit (131,072 characters, process-wide) stays as it is: cells
    # between our limit and it are measured below, longer ones fail in the reader.
    try:
        for row in reader:
            rows += 1
            if rows > limits.max_rows:
                raise SpreadsheetRefused(
                    f"The file has more than {limits.max_rows:,} rows; the limit is "
                    f"{limits.max_rows:,} (LODESTONE_SPREADSHEET_MAX_ROWS). Split it.",
                    limit="max_rows",
                )
            if len(row) > limits.max_columns:
                raise SpreadsheetRefused(
                    f"Row {rows:,} has {len(row):,} columns; the limit is "
                    f"{limits.max_columns:,} (LODESTONE_SPREADSHEET_MAX_COLUMNS).",
                    limit="max_columns",
                )
            if any(len(cell) > limits.max_cell_chars for cell in row):
                raise _cell_refused(rows, limits)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise _cell_refused(rows + 1, limits) from exc
        raise ValidationError(f"The file could not be read as CSV: {exc}") from exc
    return SpreadsheetFacts(kind="csv", size=size, rows=rows)


def _cell_refused(row: int, limits: SpreadsheetLimits) -> SpreadsheetRefused:
    return SpreadsheetRefused(
        f"A cell on row {row:,} is longer than {limits.max_cell_chars:,} characters "
        "(LODESTONE_SPREADSHEET_MAX_CELL_CHARS).",
        limit="max_cell_chars",
    )

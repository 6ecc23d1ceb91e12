"""Spreadsheet writers of reports: CSV and .xlsx, row by row, in flat memory.

Pure: no database and no Django. A report hands over its columns (translated
headers and a kind each) and an iterator of tuples; the writers never hold more
than one batch of rows.

- Text cells that a spreadsheet could read as a formula (first character one of
  = + - @ tab, carriage return, NUL) get a leading apostrophe, in both formats
  (OWASP ASVS 5.0, 1.2.10). Numbers are written as numbers, so -5 stays -5.
- CSV: UTF-8 with a byte-order mark (Excel then keeps accents), CRLF line ends,
  and the delimiter and decimal separator of the business's language (Excel in
  French or Ukrainian expects "12,50;..."). Dates as "2025-05-03 14:30:00", local;
  money with two decimals; a month as "2025-05".
- XLSX (XlsxWriter, constant memory): dates are dates, numbers are numbers, a month is its
  first day shown as "May 2025" in the reader's Excel language; a sheet
  holds 1,048,576 rows at most, so the rows go on to a second sheet (headers repeated).
"""

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import tzinfo
from functools import partial
from itertools import islice
from typing import IO, Any

TEXT, INTEGER, MONEY, DATETIME, DATE, MONTH = ("text", "integer", "money", "datetime", "date",
                                              "month")
KINDS = (TEXT, INTEGER, MONEY, DATETIME, DATE, MONTH)
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
XLSX_MAX_ROWS = 1_048_576
XLSX_MAX_TEXT = 32_767
BATCH_ROWS = 2_000
BOM = "\ufeff"
CSV_DATETIME = "%Y-%m-%d %H:%M:%S"
XLSX_MONEY_FORMAT = "#,##0.00"
XLSX_DATETIME_FORMAT = "yyyy-mm-dd hh:mm:ss"
XLSX_DATE_FORMAT = "yyyy-mm-dd"
XLSX_MONTH_FORMAT = "mmmm yyyy"
# Characters XML 1.0 cannot hold (openpyxl refuses them); tab, LF and CR are allowed.
XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
SHEET_TITLE_ILLEGAL = re.compile(r"[\[\]:*?/\\]")
# A value that starts with a formula trigger, in values joined by newlines.
TRIGGER_AFTER_NEWLINE = re.compile("\n[" + re.escape("".join(FORMULA_TRIGGERS)) + "]")

Row = Sequence[Any]
Progress = Callable[[int], None]


@dataclass(frozen=True)
class Column:
    """One column of an export: its header (already in the reader's language), its kind,
    and for a column of codes, the label of each code."""

    header: str
    kind: str = TEXT
    labels: Mapping[Any, str] | None = None

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown column kind {self.kind!r}")


@dataclass(frozen=True)
class CsvConvention:
    delimiter: str
    decimal: str


CSV_CONVENTIONS = {
    "en": CsvConvention(delimiter=",", decimal="."),
    "fr": CsvConvention(delimiter=";", decimal=","),
    "uk": CsvConvention(delimiter=";", decimal=","),
}


def csv_convention(language: str) -> CsvConvention:
    return CSV_CONVENTIONS.get((language or "en").split("-")[0], CSV_CONVENTIONS["en"])


def neutralise(text: str) -> str:
    """'=1+2' -> "'=1+2": a spreadsheet shows it as text instead of computing it."""
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def batches(rows: Iterable[Row], size: int = BATCH_ROWS) -> Iterator[list[Row]]:
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


# Cell conversion ------------------------------------------------------------------------
#
# A batch of rows is converted column by column (a list comprehension per column, no call
# per cell), then zipped back into rows: several times faster than a function per cell.

TRIGGER_SET = frozenset(FORMULA_TRIGGERS)
ColumnConverter = Callable[[Sequence[Any]], Sequence[Any]] | None


def _texts(values: Sequence[Any], labels: Mapping | None, *, xlsx: bool) -> Sequence[str]:
    if labels is not None:
        values = list(map(labels.get, values, values))
    if not xlsx:
        # Most columns hold no value to neutralise: one search over the column, in C,
        # proves it (a newline inside a value only sends it to the careful path below),
        # and the csv module writes None as "".
        try:
            if not TRIGGER_AFTER_NEWLINE.search("\n" + "\n".join(filter(None, values))):
                return values
        except TypeError:  # not all text
            pass
    try:
        texts = ["" if value is None else ("'" + value if value[:1] in TRIGGER_SET else value)
                 for value in values]
    except TypeError:  # not all text: a number or a date in a text column
        texts = _texts([None if value is None else str(value) for value in values], None,
                       xlsx=False)
    if xlsx:
        if XML_ILLEGAL.search("".join(texts)):
            texts = [XML_ILLEGAL.sub("", text) for text in texts]
        texts = [text[:XLSX_MAX_TEXT] for text in texts]
    return texts


def _text_converter(labels: Mapping | None, *, xlsx: bool) -> ColumnConverter:
    return lambda values: _texts(values, labels, xlsx=xlsx)


def _csv_converter(column: Column, tz: tzinfo, convention: CsvConvention) -> ColumnConverter:
    if column.kind == INTEGER:
        return None  # csv writes None as "" and an int as its digits
    if column.kind == MONEY:
        decimal = convention.decimal
        if decimal == ".":
            return lambda values: ["" if value is None else format(value, ".2f")
                                   for value in values]
        return lambda values: ["" if value is None else format(value, ".2f").replace(".", decimal)
                               for value in values]
    if column.kind == DATETIME:
        def local_times(values):
            # Already text when the database formatted them (Report.export_rows).
            if isinstance(next((value for value in values if value is not None), None), str):
                return values
            # "2025-05-03 14:30:00" from "2025-05-03 14:30:00+02:00": isoformat is faster
            # than strftime.
            return ["" if value is None else value.astimezone(tz).isoformat(" ", "seconds")[:19]
                    for value in values]
        return local_times
    if column.kind == DATE:
        return lambda values: ["" if value is None else value.isoformat() for value in values]
    if column.kind == MONTH:
        return lambda values: ["" if value is None else value.isoformat()[:7] for value in values]
    return _text_converter(column.labels, xlsx=False)


def _batch_converter(converters: list[ColumnConverter]) -> Callable[[list[Row]], Iterable]:
    """Rows in, converted rows out, one column at a time."""
    if all(converter is None for converter in converters):
        return lambda batch: batch

    def convert(batch: list[Row]) -> Iterable:
        columns = zip(*batch, strict=True)
        return zip(*[values if converter is None else converter(values)
                     for converter, values in zip(converters, columns, strict=True)],
                   strict=True)

    return convert


def neutralised_headers(columns: Sequence[Column], *, xlsx: bool) -> list[str]:
    return _texts([column.header for column in columns], None, xlsx=xlsx)


# CSV ------------------------------------------------------------------------------------

def csv_chunks(columns: Sequence[Column], rows: Iterable[Row], *, tz: tzinfo,
               convention: CsvConvention, on_rows: Progress | None = None
               ) -> Iterator[bytes]:
    """The CSV file as UTF-8 chunks (BOM and headers first), one chunk per batch of rows.

    `on_rows(count)` is told how many rows are written so far after each batch.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=convention.delimiter, lineterminator="\r\n")
    convert = _batch_converter([_csv_converter(column, tz, convention) for column in columns])
    buffer.write(BOM)
    writer.writerow(neutralised_headers(columns, xlsx=False))
    written = 0
    for batch in batches(rows):
        writer.writerows(convert(batch))
        written += len(batch)
        # Counted before the chunk leaves: a download cut off here still counts its rows.
        if on_rows is not None:
            on_rows(written)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():
        yield buffer.getvalue().encode("utf-8")


def write_csv(target: IO[bytes], columns: Sequence[Column], rows: Iterable[Row], *,
              tz: tzinfo, convention: CsvConvention, on_rows: Progress | None = None) -> int:
    """Write the CSV file to a binary file; return the number of rows (headers excluded)."""
    counted = [0]

    def count(written: int) -> None:
        counted[0] = written
        if on_rows is not None:
            on_rows(written)

    for chunk in csv_chunks(columns, rows, tz=tz, convention=convention, on_rows=count):
        target.write(chunk)
    return counted[0]


# XLSX -----------------------------------------------------------------------------------

def sheet_title(title: str, number: int = 1) -> str:
    """A valid sheet name (31 characters, none of []:*?/\\); "Title (2)" for the next ones."""
    base = SHEET_TITLE_ILLEGAL.sub(" ", title).strip().strip("'") or "Sheet"
    if number == 1:
        return base[:31]
    suffix = f" ({number})"
    return base[:31 - len(suffix)] + suffix


def _xlsx_converters(columns: Sequence[Column], tz: tzinfo) -> list[ColumnConverter]:
    converters: list[ColumnConverter] = []
    for column in columns:
        if column.kind in (INTEGER, DATE, MONTH, MONEY):
            converters.append(None)
        elif column.kind == DATETIME:
            # Excel has no time zones: the business's wall-clock time, as on its screens.
            converters.append(lambda values: [
                None if value is None else value.astimezone(tz).replace(tzinfo=None)
                for value in values])
        else:
            converters.append(_text_converter(column.labels, xlsx=True))
    return converters


def _cell_writers(columns: Sequence[Column], sheet, formats: dict) -> list[Callable]:
    """One writer per column, typed: text stays text whatever it looks like."""
    writers = []
    for column in columns:
        if column.kind == INTEGER:
            writers.append(sheet.write_number)
        elif column.kind == MONEY:
            writers.append(partial(sheet.write_number, cell_format=formats[MONEY]))
        elif column.kind in (DATETIME, DATE, MONTH):
            writers.append(partial(sheet.write_datetime, cell_format=formats[column.kind]))
        else:
            writers.append(sheet.write_string)
    return writers


def write_xlsx(target: IO[bytes] | str, columns: Sequence[Column], rows: Iterable[Row], *,
               tz: tzinfo, title: str, max_rows: int = XLSX_MAX_ROWS,
               on_rows: Progress | None = None) -> int:
    """Write an .xlsx workbook; return the number of rows (headers excluded).

    XlsxWriter in constant-memory mode writes each row to a temporary file as it goes
    (1.8 times faster than openpyxl's write-only mode here: bench/exports.py). Each
    sheet holds at most `max_rows` rows, its header row included.
    """
    import xlsxwriter

    if max_rows < 2:
        raise ValueError("a sheet needs room for its header and one row")
    workbook = xlsxwriter.Workbook(target, {
        "constant_memory": True,
        # Text is text: never turned into a formula, a link or a number by the writer.
        "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    })
    formats = {MONEY: workbook.add_format({"num_format": XLSX_MONEY_FORMAT}),
               DATETIME: workbook.add_format({"num_format": XLSX_DATETIME_FORMAT}),
               DATE: workbook.add_format({"num_format": XLSX_DATE_FORMAT}),
               MONTH: workbook.add_format({"num_format": XLSX_MONTH_FORMAT})}
    bold = workbook.add_format({"bold": True})
    headers = neutralised_headers(columns, xlsx=True)
    convert = _batch_converter(_xlsx_converters(columns, tz))
    sheets, row_number = 0, max_rows
    writers: list[Callable] = []
    written = 0
    for batch in batches(rows):
        for row in convert(batch):
            if row_number == max_rows:
                sheets += 1
                sheet = workbook.add_worksheet(sheet_title(title, sheets))
                sheet.write_row(0, 0, headers, bold)
                writers, row_number = _cell_writers(columns, sheet, formats), 1
            for column, (write, value) in enumerate(zip(writers, row, strict=True)):
                if value is not None:
                    write(row_number, column, value)
            row_number += 1
        written += len(batch)
        if on_rows is not None:
            on_rows(written)
    if sheets == 0:
        workbook.add_worksheet(sheet_title(title)).write_row(0, 0, headers, bold)
    workbook.close()
    return written

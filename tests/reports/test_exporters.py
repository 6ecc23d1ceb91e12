"""The export writers, without a database: neutralised formulas, typed cells, the CSV
conventions Excel expects, and the rollover to a second sheet."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from reports.exporters import (
    DATE,
    DATETIME,
    INTEGER,
    MONEY,
    MONTH,
    TEXT,
    Column,
    csv_convention,
    neutralise,
    sheet_title,
    write_csv,
    write_xlsx,
)

PARIS = ZoneInfo("Europe/Paris")
COLUMNS = [Column("Date", DATETIME), Column("Client", TEXT), Column("Points", INTEGER),
           Column("Amount", MONEY), Column("Day", DATE)]
OKSANA = "Оксана"
WHEN = datetime(2025, 5, 3, 12, 30, tzinfo=UTC)  # 14:30 in Paris


def csv_text(columns, rows, language="en") -> str:
    out = io.BytesIO()
    write_csv(out, columns, rows, tz=PARIS, convention=csv_convention(language))
    return out.getvalue().decode("utf-8")


def xlsx_rows(columns, rows, **options) -> dict[str, list[tuple]]:
    out = io.BytesIO()
    write_xlsx(out, columns, rows, tz=PARIS, title=options.pop("title", "Report"), **options)
    out.seek(0)
    workbook = load_workbook(out)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


@pytest.mark.parametrize("dangerous", ["=1+2", "+33 6 00", "-2+3", "@SUM(A1)", "\tx", "\rx",
                                       "\0x", '=HYPERLINK("http://evil")'])
def test_a_text_starting_like_a_formula_gets_a_leading_apostrophe(dangerous):
    assert neutralise(dangerous) == "'" + dangerous


@given(st.text())
def test_neutralised_text_never_starts_with_a_formula_character(text):
    assert not neutralise(text).startswith(("=", "+", "-", "@", "\t", "\r", "\0"))
    assert neutralise(text).removeprefix("'") in (text, text.removeprefix("'"))


def test_the_csv_starts_with_a_byte_order_mark_and_keeps_accents():
    out = io.BytesIO()
    write_csv(out, [Column("Client")], [("Léa Dubois",), (OKSANA,)], tz=PARIS,
              convention=csv_convention("en"))

    assert out.getvalue().startswith(b"\xef\xbb\xbf")
    assert out.getvalue().decode("utf-8-sig") == f"Client\r\nLéa Dubois\r\n{OKSANA}\r\n"


def test_a_french_csv_uses_semicolons_and_decimal_commas():
    text = csv_text(COLUMNS, [(WHEN, "Léa; Dubois", -5, Decimal("21.50"), date(2025, 5, 3))],
                    language="fr")

    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "Date;Client;Points;Amount;Day"
    assert lines[1] == '2025-05-03 14:30:00;"Léa; Dubois";-5;21,50;2025-05-03'


def test_an_english_csv_uses_commas_and_decimal_points():
    text = csv_text(COLUMNS, [(WHEN, "Hugo", 3, Decimal("4.95"), None)])

    assert text.lstrip("\ufeff").splitlines()[1] == "2025-05-03 14:30:00,Hugo,3,4.95,"


def test_csv_neutralises_text_but_keeps_negative_numbers_as_numbers():
    text = csv_text([Column("Description"), Column("Points", INTEGER)],
                    [("=cmd|' /C calc'!A0", -5), ("-5 points", 5)])

    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1] == ["'=cmd|' /C calc'!A0", "-5"]
    assert rows[2] == ["'-5 points", "5"]


def test_codes_are_written_as_their_labels():
    column = Column("Kind", TEXT, labels={"earn": "Gagnés", "redeem": "Dépensés"})

    assert csv_text([column], [("earn",), ("redeem",)]).splitlines()[1:] == ["Gagnés",
                                                                            "Dépensés"]


def test_xlsx_dates_are_dates_and_numbers_are_numbers_in_local_time():
    sheets = xlsx_rows(COLUMNS, [(WHEN, "Léa", -5, Decimal("21.50"), date(2025, 5, 3))])

    header, row = sheets["Report"]
    assert header == ("Date", "Client", "Points", "Amount", "Day")
    assert row[0] == datetime(2025, 5, 3, 14, 30)
    assert row[1] == "Léa"
    assert row[2] == -5
    assert isinstance(row[2], int)
    assert row[3] == pytest.approx(21.5)
    assert row[4] == datetime(2025, 5, 3)  # Excel stores days as date-times


def test_xlsx_neutralises_formulas_while_a_negative_number_stays_a_number():
    out = io.BytesIO()
    write_xlsx(out, [Column("Note"), Column("Points", INTEGER)],
               [("=1+2", -12), ("@risk", -1), ("bad\x00char\x07s", 0)], tz=PARIS, title="R")
    out.seek(0)
    sheet = load_workbook(out)["R"]

    assert [cell.value for cell in sheet["A"]][1:] == ["'=1+2", "'@risk", "badchars"]
    assert [cell.data_type for cell in sheet["A"]][1:] == ["s", "s", "s"]
    assert [cell.value for cell in sheet["B"]][1:] == [-12, -1, 0]
    assert [cell.data_type for cell in sheet["B"]][1:] == ["n", "n", "n"]


def test_xlsx_money_cells_show_two_decimals():
    out = io.BytesIO()
    write_xlsx(out, [Column("Amount", MONEY)], [(Decimal("4.50"),)], tz=PARIS, title="R")
    out.seek(0)

    cell = load_workbook(out)["R"]["A2"]
    assert cell.value == pytest.approx(4.5)
    assert cell.number_format == "#,##0.00"


def test_rows_beyond_a_sheet_continue_on_the_next_sheet_with_the_headers_again():
    rows = [(n,) for n in range(7)]

    sheets = xlsx_rows([Column("N", INTEGER)], rows, title="Points", max_rows=3)

    assert list(sheets) == ["Points", "Points (2)", "Points (3)", "Points (4)"]
    assert sheets["Points"] == [("N",), (0,), (1,)]
    assert sheets["Points (2)"] == [("N",), (2,), (3,)]
    assert sheets["Points (4)"] == [("N",), (6,)]
    assert sum(len(rows) - 1 for rows in sheets.values()) == 7


def test_an_empty_export_still_has_its_headers():
    assert xlsx_rows([Column("N", INTEGER)], [])["Report"] == [("N",)]
    assert csv_text([Column("N", INTEGER)], []) == "\ufeffN\r\n"


def test_headers_are_neutralised_too():
    assert csv_text([Column("=Total")], []) == "\ufeff'=Total\r\n"


def test_sheet_titles_are_valid_excel_names():
    assert sheet_title("Points: 2025/05 [all]") == "Points  2025 05  all"
    assert len(sheet_title("x" * 40, 12)) == 31
    assert sheet_title("x" * 40, 12).endswith(" (12)")


def test_progress_is_reported_after_each_batch():
    seen = []
    out = io.BytesIO()

    count = write_csv(out, [Column("N", INTEGER)], ((n,) for n in range(4500)), tz=PARIS,
                      convention=csv_convention("en"), on_rows=seen.append)

    assert count == 4500
    assert seen == [2000, 4000, 4500]


def test_a_month_is_year_and_month_in_csv_and_a_date_shown_as_a_month_in_xlsx():
    columns = [Column("Month", MONTH)]
    rows = [(date(2025, 5, 1),)]
    target = io.BytesIO()

    text = csv_text(columns, rows)
    write_xlsx(target, columns, rows, tz=PARIS, title="Months")

    assert text.splitlines()[1] == "2025-05"
    cell = load_workbook(io.BytesIO(target.getvalue()))["Months"]["A2"]
    assert cell.value == datetime(2025, 5, 1)
    assert cell.number_format == "mmmm yyyy"

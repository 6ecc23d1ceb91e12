"""What a report is, for its page and its exports alike.

A report names its filter form, the rows it lists (a queryset of dicts, in the
order of its pages and of its exports), and its columns: a header (translated when
the export starts, in the reader's language) and a kind, so that the .xlsx gets
dates as dates and numbers as numbers. The definitions are in reports/definitions.py.

A column may be a text written from other fields of its row ("Appointment on 3 May"
from an entry's source and its appointment's day): those fields are selected with the
row, so that a label never costs a query per row, on a page or in an export.
"""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import islice

from django import forms
from django.db.models import CharField, F, Func, QuerySet, Value
from django.utils.translation import gettext as _

from reports.exporters import BATCH_ROWS, DATETIME, TEXT, Column
from tenancy.models import Business


class LocalTimeText(Func):
    """PostgreSQL: a timestamp as "YYYY-MM-DD HH24:MI:SS" text in a time zone."""

    template = "to_char(%(expressions)s, 'YYYY-MM-DD HH24:MI:SS')"
    arg_joiner = " AT TIME ZONE "
    output_field = CharField()


@dataclass(frozen=True)
class ReportColumn:
    key: str
    header: str  # lazy; may name the business's %(currency)s
    kind: str = TEXT
    labels: Mapping | None = None  # code -> lazy label
    # A text written from the fields `reads` of its row: text(business) gives the function
    # of their values, in the active language (taken when it is called, not per row).
    reads: tuple[str, ...] = ()
    text: Callable[[Business], Callable[..., str]] | None = None
    # A number of percent: the page shows "35 %", an export the number.
    percent: bool = False

    @property
    def selects(self) -> tuple[str, ...]:
        """The fields of the row that this column needs."""
        return self.reads if self.text is not None else (self.key,)

    def for_export(self, business: Business) -> Column:
        """The column in the active language."""
        labels = ({code: str(label) for code, label in self.labels.items()}
                  if self.labels is not None else None)
        return Column(header=str(self.header) % {"currency": business.currency},
                      kind=self.kind, labels=labels)


@dataclass(frozen=True)
class Report:
    name: str
    title: str
    description: str
    filter_form: type["ReportFilterForm"]
    columns: tuple[ReportColumn, ...]
    # rows(business=..., filters=cleaned_data) -> the rows, in page and export order.
    rows: Callable[..., QuerySet]
    # The ordering of `rows`, as keyset pagination walks it; the last name is unique.
    ordering: tuple[str, ...]
    table_template: str
    # Extra fields that the page (not the export) shows or links with.
    page_fields: tuple[str, ...] = ()
    # totals(business=..., filters=...) -> dict for the page's summary, or None.
    totals: Callable[..., dict] | None = None
    available: Callable[[Business], bool] = field(default=lambda business: True)
    # default_filters(business) -> the filter a page opens with (raw form values).
    default_filters: Callable[[Business], dict] | None = None
    # A template shown above the filters (buttons such as "Add points").
    actions_template: str = ""

    def export_columns(self, business: Business) -> list[Column]:
        return [column.for_export(business) for column in self.columns]

    def _selected(self) -> list[str]:
        return list(dict.fromkeys(name for column in self.columns for name in column.selects))

    def export_rows(self, *, business: Business, filters: dict,
                    local_time_text: bool = False) -> QuerySet:
        """The selected fields of each row (turn them into cells with `export_cells`).

        `local_time_text`: date-time columns come as "2025-05-03 14:30:00" text in the
        business's time zone, formatted by PostgreSQL (for CSV: parsing timestamps and
        converting them in Python costs more than the rest of an export's work)."""
        rows = self.rows(business=business, filters=filters)
        names = self._selected()
        if local_time_text:
            shown = {column.key for column in self.columns
                     if column.kind == DATETIME and column.text is None}
            rows = rows.annotate(**{f"{name}_local_text": LocalTimeText(F(name), Value(
                business.time_zone)) for name in shown})
            names = [f"{name}_local_text" if name in shown else name for name in names]
        return rows.values_list(*names)

    def export_cells(self, business: Business) -> Callable[[Iterable[tuple]], Iterable[tuple]]:
        """rows of `export_rows` -> one cell per column, texts written in the active language."""
        selected = self._selected()
        if selected == [column.key for column in self.columns]:
            return lambda rows: rows
        cells = []
        for column in self.columns:
            positions = [selected.index(name) for name in column.selects]
            write = column.text(business) if column.text is not None else None
            cells.append((write, positions))

        def convert(rows: Iterable[tuple]) -> Iterable[tuple]:
            # Column by column over a batch: a plain column is taken as it is, and only
            # text columns call their function (through map, without a loop in Python).
            iterator = iter(rows)
            while batch := list(islice(iterator, BATCH_ROWS)):
                columns = list(zip(*batch, strict=True))
                yield from zip(*[columns[positions[0]] if write is None
                                 else map(write, *(columns[position] for position in positions))
                                 for write, positions in cells], strict=True)

        return convert

    def page_rows(self, *, business: Business, filters: dict) -> QuerySet:
        keys = dict.fromkeys([*self._selected(), *self.page_fields,
                              *(name.lstrip("-") for name in self.ordering)])
        return self.rows(business=business, filters=filters).values(*keys)

    def write_texts(self, rows: list[dict], business: Business) -> list[dict]:
        """Rows of a page with their text columns written (in the active language)."""
        for column in self.columns:
            if column.text is not None:
                write = column.text(business)
                for row in rows:
                    row[column.key] = write(*(row[name] for name in column.reads))
        return rows


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportFilterForm(forms.Form):
    """A report's filters, bound to one business (choices are its own rows)."""

    def __init__(self, data=None, *, business: Business, **kwargs):
        super().__init__(data, **kwargs)
        self.business = business

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def raw(self) -> dict[str, str]:
        """The submitted values, to run the same filter again later (in a worker)."""
        return {name: str(self.data.get(name, "")) for name in self.fields
                if self.data.get(name, "") not in ("", None)}

    def summary(self) -> dict[str, str]:
        """The filter as the export log shows it: field name -> value, in no language."""
        described = {}
        for name, value in self.cleaned_data.items():
            if value in (None, "", [], ()):
                continue
            described[name] = value.isoformat() if isinstance(value, date) else str(value)
        return described


def summary_lines(report: Report, business: Business, summary: dict[str, str]
                  ) -> list[tuple[str, str]]:
    """(label, value) of a stored filter summary, labels in the active language."""
    fields = report.filter_form(business=business).fields
    lines = []
    for name, value in summary.items():
        form_field = fields.get(name)
        label = str(form_field.label) if form_field is not None else name
        if isinstance(form_field, forms.ChoiceField) and not isinstance(
                form_field, forms.ModelChoiceField):
            value = str(dict(form_field.choices).get(value, value))
        lines.append((label, value))
    return lines

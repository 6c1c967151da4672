"""Tables for organisers' spreadsheets, as CSV text or an .xlsx workbook, from the same rows.

Delegates type the names and organisations in them, so a cell such as "=HYPERLINK(...)" must
not run as a formula when an organiser opens the file. A CSV has no types: text that a
spreadsheet would read as the start of a formula gets a leading apostrophe (OWASP's advice).
An .xlsx has types, so its text is stored exactly as typed, as a string cell, which no
spreadsheet evaluates; an apostrophe there would only be shown. (openpyxl stores a string
starting with "=" as a formula unless told it is a string, so every text cell is told.)

Times are handed in as aware UTC datetimes and come out in London time: as text in a CSV, and
as real dates (sortable, filterable) in an .xlsx.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from workshops import clock

# What spreadsheet programs read as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

DATE_TIME_FORMAT = "%Y-%m-%d %H:%M"  # text that spreadsheets sort and parse
_XLSX_DATE_TIME = "yyyy-mm-dd hh:mm"
_XLSX_DATE = "yyyy-mm-dd"
_WIDEST_COLUMN = 50  # characters; longer text (access needs) wraps in the cell when opened
_SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def csv_safe(value: object) -> str:
    """The cell as text, with a leading apostrophe if a spreadsheet would run it."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: London wall-clock time is what organisers expect to read.
    return clock.london(moment).replace(tzinfo=None)


def _as_text(value: object) -> str:
    if isinstance(value, datetime):
        return _local(value).strftime(DATE_TIME_FORMAT)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return csv_safe(value)


def csv_text(headers: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """The table as CSV; every cell made safe to open in a spreadsheet."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([csv_safe(title) for title in headers])
    for row in rows:
        writer.writerow([_as_text(value) for value in row])
    return out.getvalue()


def _xlsx_value(value: object) -> tuple[object, str | None]:
    """The value to store and its number format, if it needs one."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return ("Yes" if value else "No"), None
    if isinstance(value, datetime):
        return _local(value), _XLSX_DATE_TIME
    if isinstance(value, date):
        return value, _XLSX_DATE
    if isinstance(value, int | float):
        return value, None
    # Control characters (other than tab, newline and return) make openpyxl refuse the cell.
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)), None


def _text_cell(sheet: WriteOnlyWorksheet, text: str) -> Cell:
    """`text` as a string cell: shown as typed, never evaluated, whatever it starts with."""
    cell = WriteOnlyCell(sheet, value=text)
    cell.data_type = "s"  # after the value: setting "=..." made it a formula
    if text.startswith(FORMULA_STARTS):
        # Excel's own mark for text that looks like a formula ("quote prefix"): the cell stays
        # text even when someone edits it and presses Enter, and no apostrophe is shown.
        cell.quotePrefix = True
    return cell


def _width(value: object, number_format: str | None) -> int:
    if number_format:
        return len(number_format)
    longest_line = max(str(value).splitlines() or [""], key=len) if value is not None else ""
    return len(longest_line)


def sheet_title(text: str) -> str:
    """A worksheet name Excel accepts: 31 characters at most, none of []:*?/\\."""
    return _SHEET_TITLE_FORBIDDEN.sub(" ", text).strip()[:31] or "Sheet"


def xlsx_bytes(headers: Sequence[str], rows: Iterable[Sequence[object]], *,
               title: str = "Sheet") -> bytes:
    """The table as an .xlsx workbook of one sheet: a bold header row that stays in view."""
    values = [[_xlsx_value(value) for value in row] for row in rows]
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title(title))
    # A write-only sheet takes column widths and frozen panes only before its first row.
    for index, heading in enumerate(headers):
        widest = max([len(heading), *(_width(*row[index]) for row in values if index < len(row))])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(widest + 2,
                                                                          _WIDEST_COLUMN)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    header_cells = []
    for heading in headers:
        cell = _text_cell(sheet, heading)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    for row in values:
        cells = []
        for value, number_format in row:
            if isinstance(value, str):
                cells.append(_text_cell(sheet, value))
                continue
            cell = WriteOnlyCell(sheet, value=value)
            if number_format:
                cell.number_format = number_format
            cells.append(cell)
        sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

"""Read a measure's data from an uploaded CSV file, reporting every bad row by line.

The file must have a header row naming a ``date`` column and a ``value`` column (in either
order, any case; other columns are refused so a wrong file is not half-read). Dates may be
``2024-03-01``, ``01/03/2024`` (UK day first) or ``2024-03`` (a month, stored as its first
day). Values are plain numbers; thousands separators are allowed. Nothing is returned unless
every row is good: the caller saves all of it or none of it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

MAX_BYTES = 512 * 1024
MAX_ROWS = 5000
MAX_ABS_VALUE = Decimal("1e10")
_NUMBER = re.compile(r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$|^[+-]?\.\d+$")


@dataclass
class CsvResult:
    rows: list[tuple[date, Decimal]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_date(text: str) -> date | None:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%Y-%m"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_value(text: str) -> Decimal | None:
    text = text.strip()
    if not _NUMBER.match(text):
        return None
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        return None
    return value if abs(value) < MAX_ABS_VALUE else None


def read_csv(raw: bytes) -> CsvResult:
    """Parse ``raw`` into (date, value) rows, or a list of precise errors (line numbers count the header as 1)."""
    result = CsvResult()
    if not raw.strip():
        result.errors.append("The file is empty. It needs a header row (date,value) and at least one row of data.")
        return result
    if len(raw) > MAX_BYTES:
        result.errors.append(
            f"The file is too big ({len(raw) // 1024} KB). The most it can be is {MAX_BYTES // 1024} KB."
        )
        return result
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("The file is not a CSV text file (it is not UTF-8). Save it as 'CSV UTF-8' and try again.")
        return result
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    columns = [column.strip().lower() for column in header or []]
    if sorted(columns) != ["date", "value"]:
        shown = ", ".join(column or "(blank)" for column in columns) or "nothing"
        result.errors.append(f"Line 1: the columns must be exactly 'date' and 'value'; this file has {shown}.")
        return result
    date_at, value_at = columns.index("date"), columns.index("value")
    seen: dict[date, int] = {}
    count = 0
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        if count > MAX_ROWS:
            result.errors.append(f"The file has more than {MAX_ROWS:,} rows of data. Split it or summarise it.")
            return result
        if len(row) != 2:
            result.errors.append(f"Line {line}: expected 2 values (date and value), found {len(row)}.")
            continue
        date_text, value_text = row[date_at].strip(), row[value_at].strip()
        when = parse_date(date_text)
        value = parse_value(value_text)
        problems = []
        if not date_text:
            problems.append("the date is empty")
        elif when is None:
            problems.append(f"'{date_text}' is not a date (use 2024-03-01, 01/03/2024 or 2024-03)")
        if not value_text:
            problems.append("the value is empty")
        elif value is None:
            problems.append(f"'{value_text}' is not a number")
        if when is not None and when in seen:
            problems.append(f"{when.isoformat()} is already on line {seen[when]}")
        if problems:
            result.errors.append(f"Line {line}: " + "; ".join(problems) + ".")
            continue
        seen[when] = line
        result.rows.append((when, value))
    if not result.errors and not result.rows:
        result.errors.append("The file has a header row but no data.")
    if result.errors:
        result.rows = []
    return result

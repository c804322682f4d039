"""Build the "download my data" archive: a ZIP of one JSON and one CSV file per section, and a README."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from privacy.registry import Row, sections

README_INTRO = """Your data from Boost
====================

This archive holds everything Boost keeps about you, as it was on {when}.
Each kind of record comes twice: as JSON (for programs) and as CSV (for spreadsheets).
Times are in UTC (ISO 8601). An empty file means Boost holds nothing of that kind about you.

What Boost does not put here: other people's messages and profiles, and the secrets behind your
password, authenticator app or passkeys (Boost keeps only what it needs to check them).

The files
---------
"""


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat() if timezone.is_aware(value) else value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def _plain_rows(rows: list[Row]) -> list[Row]:
    return [{key: _plain(value) for key, value in row.items()} for row in rows]


def _csv(rows: list[Row]) -> str:
    out = io.StringIO()
    columns: list[str] = []
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    writer = csv.DictWriter(out, fieldnames=columns or ["(no records)"])
    writer.writeheader()
    for row in rows:
        writer.writerow({key: "" if value is None else value for key, value in row.items()})
    return out.getvalue()


def build_archive(user) -> bytes:
    """The ZIP for ``user``: ``README.txt`` plus ``<section>.json`` and ``<section>.csv`` per section."""
    buffer = io.BytesIO()
    readme = [README_INTRO.format(when=timezone.now().strftime("%d %B %Y at %H:%M UTC"))]
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for section in sections():
            if section.rows is None:
                continue
            rows = _plain_rows(section.rows(user))
            archive.writestr(f"{section.name}.json", json.dumps(rows, indent=2, ensure_ascii=False))
            archive.writestr(f"{section.name}.csv", _csv(rows))
            count = len(rows)
            readme.append(
                f"{section.name}.json, {section.name}.csv: {section.title} "
                f"({count} record{'s' if count != 1 else ''})\n    {section.description}\n"
            )
        archive.writestr("README.txt", "\n".join(readme))
    return buffer.getvalue()

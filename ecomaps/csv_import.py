"""Read a workshop spreadsheet (saved as CSV) of stations and journeys, reporting every bad row.

One file holds both, one row each, in any order; the header names the columns (any case, any
order). The columns, as the README documents them:

``record``
    ``station`` or ``journey`` (required).
``id``
    the short id journeys and later imports use (required; made into a slug: "Ward 1" is ``ward-1``).
``name``
    what the map shows (required).
``type``
    a station's type: service, team, organisation, role, asset (community asset) or touchpoint;
    service if empty.
``organisation``
    a station's owning organisation.
``description``
    either's description.
``stops``
    a journey's station ids in order, separated by ``>``, ``;``, ``,`` or new lines.
``branch_of``
    the id of the journey a journey branches from (its first stop must be on that journey).

A station or journey whose id is already on the map is updated (a journey's stops replaced); the
same id twice in the file is an error. Nothing is returned unless every row is good: the service
applies all of it, in one transaction, or none of it.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.text import slugify

from boost.text import text_problem
from ecomaps.models import Station

MAX_BYTES = 1024 * 1024
MAX_ROWS = 5000
COLUMNS = ("record", "id", "name", "type", "organisation", "description", "stops", "branch_of")
REQUIRED = ("record", "id", "name")
_STOP_SEPARATORS = re.compile(r"[>;,\n\r]+")
_KIND_BY_WORD = {value: value for value in Station.Kind.values} | {
    label.lower(): value for value, label in Station.Kind.choices
}


@dataclass(frozen=True)
class StationRow:
    line: int
    key: str
    name: str
    kind: str
    organisation: str
    description: str


@dataclass(frozen=True)
class JourneyRow:
    line: int
    key: str
    name: str
    description: str
    stops: tuple[str, ...]
    branch_of: str


@dataclass
class ExistingMap:
    """What is already on the map, so rows may refer to it and updates can be checked."""

    station_keys: set[str] = field(default_factory=set)
    journey_stops: dict[str, list[str]] = field(default_factory=dict)
    # A journey's highest annotated step position (0-based), so a shorter journey is refused.
    annotated_step: dict[str, int] = field(default_factory=dict)


@dataclass
class CsvResult:
    stations: list[StationRow] = field(default_factory=list)
    journeys: list[JourneyRow] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _decode(raw: bytes, result: CsvResult) -> str | None:
    if not raw.strip():
        result.errors.append("The file is empty. It needs a header row (record,id,name,…) and at least one row.")
        return None
    if len(raw) > MAX_BYTES:
        result.errors.append(
            f"The file is too big ({len(raw) // 1024} KB). The most it can be is {MAX_BYTES // 1024} KB."
        )
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append("The file is not a CSV text file (it is not UTF-8). Save it as 'CSV UTF-8' and try again.")
        return None


def _header(row: list[str] | None, result: CsvResult) -> list[str] | None:
    columns = [column.strip().lower().replace(" ", "_") for column in row or []]
    problems = []
    unknown = [column or "(blank)" for column in columns if column not in COLUMNS]
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)} (the columns are {', '.join(COLUMNS)})")
    repeated = sorted({column for column in columns if column and columns.count(column) > 1})
    if repeated:
        problems.append(f"the column(s) {', '.join(repeated)} appear more than once")
    missing = [column for column in REQUIRED if column not in columns]
    if missing:
        problems.append(f"the required column(s) {', '.join(missing)} are missing")
    if problems:
        result.errors.append("Line 1: " + "; ".join(problems) + ".")
        return None
    return columns


def read_csv(raw: bytes, existing: ExistingMap | None = None) -> CsvResult:
    """Parse and check ``raw`` against ``existing``; every problem becomes one message per line
    (the header is line 1). On any error the rows are dropped, so nothing can be half-applied."""
    existing = existing or ExistingMap()
    result = CsvResult()
    text = _decode(raw, result)
    if text is None:
        return result
    reader = csv.reader(io.StringIO(text))
    columns = _header(next(reader, None), result)
    if columns is None:
        return result
    station_lines: dict[str, int] = {}
    journey_lines: dict[str, int] = {}
    problems_at: dict[int, list[str]] = {}
    count = 0
    for row in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in row):
            continue
        count += 1
        if count > MAX_ROWS:
            result.errors.append(f"The file has more than {MAX_ROWS:,} rows. Split it into smaller files.")
            return CsvResult(errors=result.errors)
        problems = problems_at.setdefault(line, [])
        if len(row) > len(columns):
            problems.append(f"it has {len(row)} values but the header names {len(columns)} columns")
        cells = {column: (row[i].strip() if i < len(row) else "") for i, column in enumerate(columns)}
        for column, value in cells.items():
            if text_problem(value):
                problems.append(f"the {column} holds a character that cannot be stored (a null or half an emoji)")
                cells[column] = ""
        record, key, name = cells["record"].lower(), slugify(cells["id"])[:60], cells["name"]
        if not cells["id"]:
            problems.append("the id is empty")
        elif not key:
            problems.append(f"the id “{cells['id']}” has no letters or numbers")
        if not name:
            problems.append("the name is empty")
        if record == "station":
            _station(line, key, name, cells, station_lines, problems, result)
        elif record == "journey":
            _journey(line, key, name, cells, journey_lines, problems, result)
        else:
            shown = f"“{cells['record']}”" if cells["record"] else "empty"
            problems.append(f"the record is {shown}; it must be station or journey")
    if count == 0:
        result.errors.append("The file has a header row but no stations or journeys.")
    _check_references(result, existing, problems_at)
    _check_size(result, existing)
    result.errors[:0] = [
        f"Line {line}: " + "; ".join(found) + "." for line, found in sorted(problems_at.items()) if found
    ]
    if result.errors:
        result.stations, result.journeys = [], []
    return result


def _station(line, key, name, cells, seen, problems, result) -> None:
    kind_text = cells.get("type", "")
    kind = _KIND_BY_WORD.get(kind_text.lower()) if kind_text else Station.Kind.SERVICE
    if kind is None:
        problems.append(f"“{kind_text}” is not a station type (use {', '.join(Station.Kind.values)})")
    if len(name) > 120:
        problems.append(f"the name is {len(name)} characters long; a station's name can have at most 120")
    if len(cells.get("organisation", "")) > 160:
        problems.append("the organisation can have at most 160 characters")
    for column in ("stops", "branch_of"):
        if cells.get(column):
            problems.append(f"a station has no {column}; leave it empty")
    if key and key in seen:
        problems.append(f"the station id “{key}” is already used on line {seen[key]}")
    elif key:
        seen[key] = line
    # Kept even when bad, so journeys that name it are not also reported; dropped with every row on any error.
    result.stations.append(
        StationRow(line, key, name, kind, cells.get("organisation", ""), cells.get("description", ""))
    )


def _journey(line, key, name, cells, seen, problems, result) -> None:
    if len(name) > 200:
        problems.append(f"the name is {len(name)} characters long; a journey's name can have at most 200")
    if cells.get("type") or cells.get("organisation"):
        problems.append("a journey has no type or organisation; leave them empty")
    stops = tuple(slugify(part)[:60] for part in _STOP_SEPARATORS.split(cells.get("stops", "")) if part.strip())
    if len(stops) < 2:
        problems.append("a journey needs at least two stops")
    if key and key in seen:
        problems.append(f"the journey id “{key}” is already used on line {seen[key]}")
    elif key:
        seen[key] = line
    result.journeys.append(
        JourneyRow(line, key, name, cells.get("description", ""), stops, slugify(cells.get("branch_of", ""))[:60])
    )


def _check_references(result: CsvResult, existing: ExistingMap, problems_at: dict[int, list[str]]) -> None:
    from ecomaps.services import MAX_STOPS

    stations = existing.station_keys | {row.key for row in result.stations}
    stops_of = dict(existing.journey_stops) | {row.key: list(row.stops) for row in result.journeys}
    for row in result.journeys:
        problems = problems_at.setdefault(row.line, [])
        if len(row.stops) < 2:
            continue
        if len(row.stops) > MAX_STOPS:
            problems.append(f"a journey can have at most {MAX_STOPS} stops; this one has {len(row.stops)}")
        missing = [key or "(blank)" for key in dict.fromkeys(row.stops) if key not in stations]
        if missing:
            problems.append(
                f"the stops name stations that are neither in the file nor on the map: {', '.join(missing)}"
            )
        for step, (a, b) in enumerate(zip(row.stops, row.stops[1:], strict=False), start=1):
            if a == b:
                problems.append(f"it stops at “{a}” twice in a row (stops {step} and {step + 1})")
                break
        if row.branch_of:
            parent = stops_of.get(row.branch_of)
            if parent is None or row.branch_of == row.key:
                problems.append(f"it branches from “{row.branch_of}”, which is not another journey here")
            elif row.stops and row.stops[0] not in parent:
                problems.append(
                    f"a branch starts where it leaves its journey, but “{row.stops[0]}” is not a stop on "
                    f"“{row.branch_of}”"
                )
        annotated = existing.annotated_step.get(row.key)
        if annotated is not None and annotated >= len(row.stops) - 1:
            problems.append(
                f"the map has annotations on step {annotated + 1} of “{row.key}”, which these stops would remove"
            )


def _check_size(result: CsvResult, existing: ExistingMap) -> None:
    from ecomaps.services import MAX_JOURNEYS, MAX_STATIONS

    stations = len(existing.station_keys | {row.key for row in result.stations if row.key})
    journeys = len(set(existing.journey_stops) | {row.key for row in result.journeys if row.key})
    if stations > MAX_STATIONS:
        result.errors.append(
            f"With this file the map would have {stations:,} stations; the most a map can have is {MAX_STATIONS:,}."
        )
    if journeys > MAX_JOURNEYS:
        result.errors.append(
            f"With this file the map would have {journeys} journeys; the most a map can have is {MAX_JOURNEYS}."
        )


def export_rows(stations, journeys) -> list[list[str]]:
    """The map as rows of the same columns, so an exported file can be edited and imported again."""
    rows = [list(COLUMNS)]
    for station in stations:
        rows.append(
            ["station", station.key, station.name, station.kind, station.organisation, station.description, "", ""]
        )
    for journey, stops, branch_of in journeys:
        rows.append(["journey", journey.key, journey.name, "", "", journey.description, " > ".join(stops), branch_of])
    return rows

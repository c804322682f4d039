"""Small-number suppression: no figure may point at a handful of people.

Any count below :data:`THRESHOLD` is shown as "fewer than 5". A breakdown (counts that add up to a
total) must not let a suppressed count be worked out from the total and the others, so when only
one count in it is suppressed the next smallest is suppressed too, and its total is rounded to the
nearest :data:`ROUND_TO` ("about 120").
"""

from __future__ import annotations

from dataclasses import dataclass

THRESHOLD = 5
ROUND_TO = 10
SUPPRESSED = "fewer than 5"
WITHHELD = "withheld (would reveal a small count)"


@dataclass(frozen=True)
class Cell:
    """One published figure: the words to show (and to write in the CSV), and a number for charts
    (``None`` when suppressed, so a bar cannot give it away either)."""

    text: str
    value: int | None

    @property
    def suppressed(self) -> bool:
        return self.value is None


def cell(count: int) -> Cell:
    return Cell(SUPPRESSED, None) if count < THRESHOLD else Cell(f"{count:,}", count)


def breakdown(counts: list[int]) -> tuple[list[Cell], Cell]:
    """Cells for ``counts`` and for their total, safe together (see the module docstring)."""
    cells = [cell(count) for count in counts]
    hidden = [index for index, shown in enumerate(cells) if shown.suppressed]
    if len(hidden) == 1:
        others = sorted((count, index) for index, count in enumerate(counts) if index not in hidden)
        if others:
            cells[others[0][1]] = Cell(SUPPRESSED if others[0][0] < THRESHOLD else WITHHELD, None)
    total = sum(counts)
    if any(shown.suppressed for shown in cells):
        if total < THRESHOLD:
            return cells, Cell(SUPPRESSED, None)
        rounded = max(ROUND_TO, round(total / ROUND_TO) * ROUND_TO)
        return cells, Cell(f"about {rounded:,}", rounded)
    return cells, cell(total)

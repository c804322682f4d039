"""One filter pattern for every list (communities, projects, search results).

A panel of checkbox groups with an "Apply filters" button: a plain GET form, so it works without
JavaScript; several ticks in a group widen the list (any of them), groups narrow it (all of
them). ``includes/filter_panel.html`` renders it; on phones ``search-filters.js`` folds the panel
so the results come first. Each list builds a ``FilterPanel`` from its own choices.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class FilterOption:
    value: str
    label: str
    selected: bool = False
    count: int | None = None


@dataclass(frozen=True)
class FilterGroup:
    name: str
    legend: str
    options: list[FilterOption]


@dataclass(frozen=True)
class FilterText:
    """A words box at the top of the panel (the communities list's "Name or topic")."""

    name: str
    label: str
    value: str = ""
    max_length: int = 100


@dataclass
class FilterPanel:
    title: str
    action: str
    groups: list[FilterGroup]
    clear_url: str
    active: bool = False
    text: FilterText | None = None
    hidden: list[tuple[str, str]] = field(default_factory=list)  # kept as they are (the query, the sort)
    results_id: str = "results-heading"


def choice_group(name: str, legend: str, choices: Iterable[tuple[object, str]], selected: Iterable[str]) -> FilterGroup:
    """A checkbox group from ``(value, label)`` choices, ticking those in ``selected``."""
    chosen = {str(value) for value in selected}
    return FilterGroup(
        name=name,
        legend=legend,
        options=[FilterOption(str(value), str(label), str(value) in chosen) for value, label in choices if value != ""],
    )

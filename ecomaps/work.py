"""Work under way on a map: the write-ups that address its annotations, as one person may see them,
with each write-up's current SPC signal.

The stored drawing is the same for everyone, so it never holds a write-up: a private or draft
write-up must not show to someone who may not see it. Instead each page view adds a small overlay
of "work under way" badges for the write-ups that viewer may see, placed from the stored layout
(no layout is computed here). The signal is the one the write-up's own page shows
(:func:`projects.display.current_signal` on its headline measure, from the statistics
:func:`projects.measurement.refresh_measure` stored), so it is always current and never worked out
a second way.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch
from django.urls import reverse
from django.utils.html import escape

from boost.permissions import visible_pages
from ecomaps.render import marker_positions
from projects import permissions as project_permissions
from projects.display import current_signal, headline_measure
from projects.models import Measure, ProjectPage, ProjectTeamMember

# Badge colours follow the NHS "Making Data Count" variation icons: blue improvement, orange
# concern, grey common cause or no data yet; each has 3:1 contrast on white.
TONES = {
    "improvement": ("#005eb8", "Improvement"),
    "concern": ("#a35200", "Concern"),
    "neutral": ("#330072", "Special cause, neither better nor worse"),
    "common": ("#425563", "No significant change"),
    "none": ("#425563", "No data yet"),
}


@dataclass(frozen=True)
class Work:
    """One write-up as the viewer may see it."""

    pk: int
    title: str
    url: str
    is_draft: bool
    signal: str  # the words the write-up's page uses ("No data yet", a variation label, a status)
    headline: str  # its headline measure's headline sentence, or ""
    tone: str  # a key of TONES

    @property
    def tone_label(self) -> str:
        return TONES[self.tone][1]


def _tone(measure: Measure | None) -> str:
    if measure is None:
        return "none"
    icon = (measure.analysis or {}).get("variation_icon", "")
    for tone in ("improvement", "concern", "neutral"):
        if tone in icon:
            return tone
    return "common"


def visible_work(user, project_ids: set[int], *, request=None) -> dict[int, Work]:
    """The write-ups among ``project_ids`` that ``user`` may see, with their current signal: live
    ones by the site's page rule (:func:`boost.permissions.visible_pages`), drafts only by their
    co-authors and reviewers (:func:`projects.permissions.can_view_draft`). A fixed number of
    queries however many there are; none when there are none."""
    if not project_ids:
        return {}
    measures = Prefetch("measures", queryset=Measure.objects.order_by("sort_order", "pk"))
    live = visible_pages(ProjectPage.objects.filter(pk__in=project_ids), user, request=request)
    found = list(live.prefetch_related(measures))
    drafts = ProjectPage.objects.filter(pk__in=project_ids, live=False)
    if not project_permissions.can_review(user):
        if not (user.is_authenticated and user.is_active):
            drafts = drafts.none()
        elif not user.is_superuser:
            mine = ProjectTeamMember.objects.filter(user=user, is_coauthor=True).values("project_id")
            drafts = drafts.filter(pk__in=mine)
    if user.is_authenticated:
        found += list(drafts.prefetch_related(measures))
    work = {}
    for project in found:
        headline = headline_measure(list(project.measures.all()))
        work[project.pk] = Work(
            pk=project.pk,
            title=project.title,
            url=project.url if project.live else reverse("projects:preview", args=[project.pk]),
            is_draft=not project.live,
            signal=current_signal(project),
            headline=headline.headline if headline else "",
            tone=_tone(headline),
        )
    return work


def overlay(layout: dict, annotations: list[dict], work_of: list[list[Work]]) -> str:
    """SVG badges, one under each annotation marker that has visible work: a ring in the colour of
    the first write-up's signal, with a title naming every write-up and its signal.
    ``annotations`` is the list the drawing was made from (``ecomaps.services.redraw``) and
    ``work_of`` its visible work, in the same order."""
    out = []
    for position, works in zip(marker_positions(layout, annotations), work_of, strict=True):
        if position is None or not works:
            continue
        x, y = position
        colour = TONES[works[0].tone][0]
        names = "; ".join(f"{w.title}{' (draft)' if w.is_draft else ''}: {w.signal}" for w in works)
        out.append(
            f'<g class="ecomap-work" transform="translate({x:.1f},{y + 12:.1f})">'
            f"<title>Work under way: {escape(names)}</title>"
            f'<circle r="5.5" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'
            f'<circle r="2" fill="{colour}"/></g>'
        )
    return "\n".join(out)


def with_overlay(svg: str, badges: str) -> str:
    """The stored drawing with ``badges`` drawn on top (before its closing tag)."""
    if not badges or not svg.endswith("</svg>"):
        return svg
    return f"{svg[: -len('</svg>')]}{badges}\n</svg>"

"""The leaders' analytics: each figure one or two aggregate queries (GROUP BY in the database, never
rows loaded into Python), each count passed through ``analytics.suppression`` before anyone sees it.

Per-community figures cover only the communities the viewer may see (``visible_to``), so a private
community's activity is shown to its members, curators and admins alone.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from wagtail.models import Revision

from accounts.models import Profession
from analytics import rollup
from analytics.suppression import THRESHOLD, Cell, breakdown, cell
from boost.permissions import visible_pages
from boost.vocabulary import CareSetting
from communities.models import CommunityPage, Event, Membership, Rsvp
from projects.models import ProjectPage, Stage
from search.models import SearchMiss

TOP_COMMUNITIES = 25
TOP_ORGANISATIONS = 20
TOP_SEARCHES = 20


@dataclass
class Figure:
    """A titled table: the page shows it with a sentence and a chart; the CSV writes ``rows``."""

    key: str
    title: str
    summary: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    total: Cell | None = None
    note: str = ""

    def bars(self) -> list[tuple[str, int | None, int]]:
        """(label, value, width %) per row for the bar chart, from its first numeric column."""
        values = [row[1].value for row in self.rows if isinstance(row[1], Cell) and row[1].value is not None]
        top = max(values, default=0) or 1
        return [
            (str(row[0]), row[1].value, round(100 * row[1].value / top) if row[1].value else 0)
            for row in self.rows
            if isinstance(row[1], Cell)
        ]


@dataclass(frozen=True)
class Scope:
    start: date
    end: date
    community: CommunityPage | None
    viewer: Any
    # Counts several figures share, each computed once per scope (see ``member_counts``).
    memo: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def start_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))


class Median(Aggregate):
    """PostgreSQL's ordered-set median; other databases get the same answer from the durations alone."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _members(scope: Scope):
    users = get_user_model().objects.filter(is_active=True)
    if scope.community is not None:
        users = users.filter(memberships__community=scope.community, memberships__state=Membership.State.ACTIVE)
    return users


@dataclass
class MemberCounts:
    """Every member-count figure's numbers, from one grouped query (one pass over the members)."""

    everyone: int
    joined_by_end: int
    active: int
    by_field: dict[str, dict[str, int]]


def member_counts(scope: Scope) -> MemberCounts:
    """Members grouped by (profession, organisation, care setting) in one query: a few hundred rows
    of counts, however many members, summed here per field. Each group also counts who had joined
    by the end of the range and who signed in during its last 30 days."""
    if "members" not in scope.memo:
        window = Q(last_login__gte=scope.end_at - timedelta(days=30), last_login__lt=scope.end_at)
        rows = (
            _members(scope)
            .values_list("profile__profession", "profile__organisation", "profile__care_setting")
            .annotate(
                n=Count("pk"),
                joined=Count("pk", filter=Q(date_joined__lt=scope.end_at)),
                active=Count("pk", filter=window),
            )
            .order_by()
        )
        by_field: dict[str, dict[str, int]] = {name: defaultdict(int) for name in MEMBER_FIELDS}
        everyone = joined = active = 0
        for profession, organisation, care_setting, n, joined_n, active_n in rows:
            for name, key in zip(MEMBER_FIELDS, (profession, organisation, care_setting), strict=True):
                by_field[name][key or ""] += n
            everyone, joined, active = everyone + n, joined + joined_n, active + active_n
        scope.memo["members"] = MemberCounts(everyone, joined, active, {k: dict(v) for k, v in by_field.items()})
    return scope.memo["members"]


MEMBER_FIELDS = ("profession", "organisation", "care_setting")


def members_over_time(scope: Scope) -> Figure:
    joined = dict(
        _members(scope)
        .filter(date_joined__gte=scope.start_at, date_joined__lt=scope.end_at)
        .annotate(month=TruncMonth("date_joined"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months, day = [], date(scope.start.year, scope.start.month, 1)
    while day <= scope.end:
        months.append(day)
        day = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    counts = [next((n for when, n in joined.items() if when and when.date() == month), 0) for month in months]
    cells, total = breakdown(counts)
    members = member_counts(scope)
    active_cell = cell(members.active)
    everyone = cell(members.joined_by_end)
    return Figure(
        key="members",
        title="Members joining, month by month",
        summary=(
            f"{total.text} joined between {scope.start:%-d %B %Y} and {scope.end:%-d %B %Y}. "
            f"{everyone.text} members in all by the end of the period; "
            f"{active_cell.text} signed in during its last 30 days."
        ),
        columns=["Month", "Joined"],
        rows=[[month.strftime("%B %Y"), shown] for month, shown in zip(months, cells, strict=True)],
        total=total,
    )


def members_by(scope: Scope, field_name: str, title: str, labels: dict[str, str]) -> Figure:
    counts = member_counts(scope).by_field[field_name]
    named = sorted(
        ((labels.get(key, key) if key else "Not given", n) for key, n in counts.items()),
        key=lambda item: (-item[1], item[0]),
    )
    if len(named) > TOP_ORGANISATIONS:
        rest = sum(n for _, n in named[TOP_ORGANISATIONS:])
        named = [*named[:TOP_ORGANISATIONS], ("All others, combined", rest)]
    cells, total = breakdown([n for _, n in named])
    return Figure(
        key=field_name,
        title=title,
        summary=f"{total.text} members, in {len(named)} group{'s' if len(named) != 1 else ''}.",
        columns=[title.split(" by ")[-1].capitalize(), "Members"],
        rows=[[label, shown] for (label, _), shown in zip(named, cells, strict=True)],
        total=total,
    )


def lived_experience_share(scope: Scope) -> Figure:
    members = member_counts(scope)
    professions = members.by_field["profession"]
    counts = {
        "everyone": members.everyone,
        "lived": professions.get(Profession.LIVED_EXPERIENCE, 0),
        "voluntary": professions.get(Profession.VOLUNTARY, 0),
    }
    rows = []
    for label, key in (
        ("Patients, carers and people with lived experience", "lived"),
        ("Voluntary sector", "voluntary"),
    ):
        shown = cell(counts[key])
        share = "" if shown.suppressed or not counts["everyone"] else f"{100 * counts[key] / counts['everyone']:.0f}%"
        rows.append([label, shown, share or "not shown"])
    return Figure(
        key="share",
        title="Patients, carers and voluntary-sector members",
        summary=f"Of {cell(counts['everyone']).text} members: "
        + "; ".join(
            f"{row[0].lower()}: {row[1].text}" + (f" ({row[2]})" if row[2] != "not shown" else "") for row in rows
        )
        + ".",
        columns=["Group", "Members", "Share"],
        rows=rows,
    )


def community_activity(scope: Scope) -> Figure:
    communities = CommunityPage.objects.visible_to(scope.viewer)
    if scope.community is not None:
        communities = communities.filter(pk=scope.community.pk)
    counts, not_counted = rollup.activity(
        scope.start, scope.end, scope.community.pk if scope.community is not None else None
    )
    events = dict(
        Event.objects.filter(starts_at__gte=scope.start_at, starts_at__lt=scope.end_at)
        .values_list("community_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    going = dict(
        Rsvp.objects.filter(
            status=Rsvp.Status.GOING, event__starts_at__gte=scope.start_at, event__starts_at__lt=scope.end_at
        )
        .values_list("event__community_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    titles = dict(communities.values_list("pk", "title"))
    none = {"messages": 0, "threads": 0}
    ranked = sorted(titles, key=lambda pk: (-counts.get(pk, none)["messages"], titles[pk], pk))[:TOP_COMMUNITIES]
    rows = [
        (titles[pk], counts.get(pk, none)["threads"], counts.get(pk, none)["messages"], events.get(pk), going.get(pk))
        for pk in ranked
    ]
    return Figure(
        key="activity",
        title="Activity per community",
        summary=(
            f"The {len(rows)} most active communities you may see, by messages in the period "
            f"(threads and messages started then; events held then and the people who said they were going)."
        ),
        columns=["Community", "Messages", "Threads", "Events", "Going to events"],
        rows=[
            [title, cell(messages or 0), cell(threads or 0), cell(events or 0), cell(going or 0)]
            for title, threads, messages, events, going in rows
        ],
        note="Only communities you may see are listed; each count under 5 shows as 'fewer than 5'."
        + (
            f" Messages and threads on {not_counted} earlier day{'s' if not_counted != 1 else ''} of the period are "
            "not counted yet: Boost counts past days overnight (manage.py rollup_activity)."
            if not_counted
            else ""
        ),
    )


def _stories(scope: Scope):
    if "stories" not in scope.memo:  # what the viewer may see is worked out once (a few queries)
        stories = visible_pages(ProjectPage.objects.all(), scope.viewer)
        if scope.community is not None:
            stories = stories.filter(communities=scope.community)
        scope.memo["stories"] = stories
    return scope.memo["stories"]


def stories_by_stage(scope: Scope) -> Figure:
    published = _stories(scope).filter(first_published_at__gte=scope.start_at, first_published_at__lt=scope.end_at)
    by_stage = dict(published.values_list("stage").annotate(n=Count("pk")).order_by())
    cells, total = breakdown([by_stage.get(stage.value, 0) for stage in Stage])
    first_draft = (
        Revision.page_revisions.filter(object_id=_as_text(OuterRef("pk")))
        .order_by("created_at")
        .values("created_at")[:1]
    )
    waits = published.annotate(drafted=Subquery(first_draft)).annotate(
        wait=ExpressionWrapper(F("first_published_at") - F("drafted"), output_field=DurationField())
    )
    median = _median_days(waits)
    median_text = "not shown (fewer than 5 stories)" if median is None else f"{median:.0f} days"
    return Figure(
        key="stories",
        title="Stories published, by stage",
        summary=(
            f"{total.text} stories published in the period. Median time from first draft to publication: {median_text}."
        ),
        columns=["Stage", "Stories"],
        rows=[[stage.label, shown] for stage, shown in zip(Stage, cells, strict=True)],
        total=total,
    )


def _as_text(expression):
    """Wagtail keeps a revision's ``object_id`` as text; compare it with the page's id as text."""
    from django.db.models import CharField
    from django.db.models.functions import Cast

    return Cast(expression, output_field=CharField())


def _median_days(waits) -> float | None:
    waits = waits.exclude(drafted__isnull=True)
    if waits.count() < 5:
        return None
    if connection.vendor == "postgresql":
        seconds = waits.aggregate(median=Median(ExpressionWrapper(F("wait"), output_field=DurationField())))["median"]
        return None if seconds is None else _days(seconds)
    # SQLite has no median aggregate: the durations alone (one number per story) come back.
    return statistics.median(_days(wait) for wait in waits.values_list("wait", flat=True))


def _days(value) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds() / 86400
    return float(value) / 86400 / (1_000_000 if value > 10**10 else 1)


def spread(scope: Scope) -> Figure:
    adaptations = _stories(scope).filter(
        adapted_from__isnull=False, first_published_at__gte=scope.start_at, first_published_at__lt=scope.end_at
    )
    counts = adaptations.aggregate(
        adaptations=Count("pk", distinct=True),
        sources=Count("adapted_from", distinct=True),
        organisations=Count("organisations", distinct=True),
    )
    rows = [
        ["Adaptations published", cell(counts["adaptations"])],
        ["Write-ups adapted from", cell(counts["sources"])],
        ["Organisations adopting", cell(counts["organisations"])],
    ]
    return Figure(
        key="spread",
        title="Spread",
        summary="; ".join(f"{label.lower()}: {shown.text}" for label, shown in rows) + ".",
        columns=["Measure", "Count"],
        rows=rows,
    )


def searches_not_found(scope: Scope) -> Figure:
    """The words people searched for most often and found nothing (search/misses.py keeps them,
    without who searched). A search made fewer than five times in the range is never listed: rare
    words can point at a person, which is what suppression is for."""
    misses = (
        SearchMiss.objects.filter(day__gte=scope.start, day__lte=scope.end)
        .values("text")
        .annotate(total=Sum("times"))
        .order_by("-total", "text")
    )
    shown = list(misses.filter(total__gte=THRESHOLD)[:TOP_SEARCHES])
    everything = SearchMiss.objects.filter(day__gte=scope.start, day__lte=scope.end).aggregate(n=Sum("times"))["n"] or 0
    total = cell(everything)
    where = " Searches are counted across the whole site, whichever community is chosen." if scope.community else ""
    if shown:
        summary = (
            f"{total.text} searches found nothing in this period. The most frequent: "
            + "; ".join(f"\u201c{row['text']}\u201d ({row['total']:,})" for row in shown[:5])
            + "."
        )
    else:
        summary = f"{total.text} searches found nothing in this period; none was made five times or more."
    return Figure(
        key="searches",
        title="Searches that found nothing",
        summary=summary + where,
        columns=["Search", "Times"],
        rows=[[row["text"], cell(row["total"])] for row in shown],
        note=(
            f"Searches made at least {THRESHOLD} times, most frequent first (top {TOP_SEARCHES}). Boost keeps only the "
            f"words, never who searched, and deletes them after {settings.SEARCH_MISS_RETENTION_DAYS} days."
        ),
    )


FIGURES = {
    "members": members_over_time,
    "profession": lambda scope: members_by(scope, "profession", "Members by profession", dict(Profession.choices)),
    "organisation": lambda scope: members_by(scope, "organisation", "Members by organisation", {}),
    "care_setting": lambda scope: members_by(
        scope, "care_setting", "Members by care setting", dict(CareSetting.choices)
    ),
    "share": lived_experience_share,
    "activity": community_activity,
    "stories": stories_by_stage,
    "spread": spread,
    "searches": searches_not_found,
}


def all_figures(scope: Scope) -> list[Figure]:
    return [build(scope) for build in FIGURES.values()]

"""Search documents: one class per indexed type, each building a plain ``SearchDocument``.

A document class names its model (as an app label string, so search/ imports no content app at
import time), says which objects may be indexed (``should_index``) and fills each field of
``SearchDocument`` through a ``prepare_<field>`` method. Both backends index the same
``SearchDocument``, so the database and Elasticsearch paths cannot disagree on content or
permissions.

Adding a type is:
1. a subclass here with ``doc_type``, ``label``, ``model`` and its ``prepare_*`` methods;
2. ``registry.register(TheDocument)`` at the bottom of this module;
3. if it depends on other models (a thread's messages, a write-up's measures), an entry in its
   ``depends_on`` mapping: model label -> function(instance) returning the pks to re-index.
``search.signals`` connects every registered type's model (and its ``depends_on`` models)
automatically. See ``FUTURE_TYPES`` below for the intended shape of each.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, ClassVar

from django.apps import apps
from django.db import models
from django.utils import timezone

from search import registry


@dataclass
class SearchDocument:
    """What every backend indexes. ``community_id``/``is_private``/``members_only`` are the
    permission fields every query filters on."""

    doc_type: str
    object_id: str
    title: str
    url: str
    summary: str = ""
    body: str = ""
    community_id: int | None = None
    is_private: bool = False
    members_only: bool = False
    published_at: datetime | None = None
    boost: float = 1.0
    facets: dict[str, list[str]] = field(default_factory=dict)
    key_facts: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.doc_type}:{self.object_id}"

    def all_facets(self) -> dict[str, list[str]]:
        """Declared facets plus the two every document has: type and year."""
        values = {name: [v for v in vals if v] for name, vals in self.facets.items()}
        values["type"] = [self.doc_type]
        # A document may name its own years (a write-up: the years its work covers); else the year published.
        if self.published_at and not values.get("year"):
            values["year"] = [str(self.published_at.year)]
        return {name: vals for name, vals in values.items() if vals}

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


PREPARED_FIELDS = (
    "title",
    "url",
    "summary",
    "body",
    "community_id",
    "is_private",
    "members_only",
    "published_at",
    "boost",
    "facets",
    "key_facts",
)


def freshness_boost(published_at: datetime | None, *, evidence: float = 0.0, now: datetime | None = None) -> float:
    """Ranking multiplier: newer and better-evidenced documents rank higher at equal text match.

    Freshness halves over three years (floor 0.5); ``evidence`` in [0, 1] (e.g. share of a
    write-up's measures with data, or a bright-spot flag) adds up to 50%.
    """
    freshness = 1.0
    if published_at is not None:
        age_years = max(0.0, ((now or timezone.now()) - published_at).days / 365.25)
        freshness = max(0.5, math.pow(0.5, age_years / 3))
    return round(freshness * (1.0 + 0.5 * max(0.0, min(1.0, evidence))), 4)


class DocumentType:
    """Base class for one indexed type. Subclasses override ``prepare_<field>`` as needed."""

    doc_type: ClassVar[str]
    label: ClassVar[str]
    model: ClassVar[str]  # "app_label.ModelName"
    is_page: ClassVar[bool] = False
    # model label -> function(instance) -> pks of this type to re-index when that model changes
    depends_on: ClassVar[dict[str, Callable[[Any], Iterable[Any]]]] = {}

    @classmethod
    def model_class(cls) -> type[models.Model] | None:
        try:
            return apps.get_model(cls.model)
        except LookupError:
            return None

    def get_queryset(self) -> models.QuerySet:
        return self.model_class()._default_manager.all()

    def get_object(self, pk: Any) -> models.Model | None:
        return self.get_queryset().filter(pk=pk).first()

    def should_index(self, obj: Any) -> bool:
        return True

    def build(self, obj: Any) -> SearchDocument | None:
        """The document for ``obj``, or None when it must not be in the index at all."""
        if obj is None or not self.should_index(obj):
            return None
        values = {name: getattr(self, f"prepare_{name}")(obj) for name in PREPARED_FIELDS}
        return SearchDocument(doc_type=self.doc_type, object_id=str(obj.pk), **values)

    def iter_documents(self, batch_size: int = 500) -> Iterable[SearchDocument]:
        for obj in self.get_queryset().iterator(chunk_size=batch_size):
            document = self.build(obj)
            if document is not None:
                yield document

    # Defaults; subclasses override what applies.
    def prepare_title(self, obj: Any) -> str:
        return str(obj)

    def prepare_url(self, obj: Any) -> str:
        return obj.get_url() if self.is_page else obj.get_absolute_url()

    def prepare_summary(self, obj: Any) -> str:
        return ""

    def prepare_body(self, obj: Any) -> str:
        return ""

    def prepare_community_id(self, obj: Any) -> int | None:
        return None

    def prepare_is_private(self, obj: Any) -> bool:
        return False

    def prepare_members_only(self, obj: Any) -> bool:
        return False

    def prepare_published_at(self, obj: Any) -> datetime | None:
        return getattr(obj, "first_published_at", None)

    def prepare_boost(self, obj: Any) -> float:
        return 1.0

    def prepare_facets(self, obj: Any) -> dict[str, list[str]]:
        return {}

    def prepare_key_facts(self, obj: Any) -> list[str]:
        return []


def _related_model(label: str):
    return apps.get_model(label)


def _pages_under_restriction(label: str) -> Callable[[Any], Iterable[Any]]:
    """A view restriction added to (or lifted from) a page closes (or opens) it and every page below
    it: re-index those of this type, so a restricted page leaves search at once, not at its next publish."""
    return lambda restriction: (
        _related_model(label).objects.filter(path__startswith=restriction.page.path).values_list("pk", flat=True)
    )


def stream_text(stream: Any) -> str:
    """Plain text of a StreamField, for the body field."""
    from django.utils.html import strip_tags

    parts: list[str] = []
    for block in stream or []:
        value = getattr(block, "value", None)
        rendered = value.source if hasattr(value, "source") else value
        if isinstance(rendered, dict):
            rendered = " ".join(str(v) for v in rendered.values() if isinstance(v, str))
        parts.append(strip_tags(str(rendered or "")))
    return " ".join(p for p in parts if p).strip()


class CommunityDocument(DocumentType):
    """A community of practice. A private community is findable by everyone only when it is
    ``discoverable`` (and then only its title and purpose); otherwise only by its members."""

    doc_type = "community"
    label = "Community"
    model = "communities.CommunityPage"
    is_page = True
    depends_on = {"communities.Membership": lambda membership: [membership.community_id]}

    def get_queryset(self):
        return self.model_class().objects.live().select_related("care_area")

    def should_index(self, obj) -> bool:
        return obj.live

    def prepare_title(self, obj) -> str:
        return obj.title

    def prepare_summary(self, obj) -> str:
        return " ".join(filter(None, [obj.purpose, obj.learning_question]))

    def prepare_body(self, obj) -> str:
        if obj.is_private:
            return ""  # resources of a private community stay inside it
        return stream_text(obj.resources)

    def prepare_community_id(self, obj) -> int:
        return obj.pk

    def prepare_is_private(self, obj) -> bool:
        return obj.is_private and not obj.discoverable

    def prepare_facets(self, obj) -> dict[str, list[str]]:
        return {"community": [obj.title], "care_area": [obj.care_area.name] if obj.care_area else []}

    def prepare_key_facts(self, obj) -> list[str]:
        members = obj.memberships.filter(state="active").count()
        facts = [f"{members} member{'s' if members != 1 else ''}", obj.get_access_display().split(":")[0]]
        if obj.is_private:
            facts.append("Private")
        return facts


def _profile_of(user) -> list[int]:
    from django.core.exceptions import ObjectDoesNotExist

    try:
        return [user.profile.pk]
    except ObjectDoesNotExist:
        return []


class PersonDocument(DocumentType):
    """A person who chose to be findable (``Profile.searchable``), with only what they show to
    others (``accounts.permissions.visible_fields`` for a stranger), and their expertise (methods,
    care areas they have worked in, "I can help with" offers, open to visits or calls), which the
    profile shows to the same people: so the people finder's records are also people results."""

    doc_type = "person"
    label = "Person"
    model = "accounts.Profile"
    depends_on = {
        "accounts.User": lambda user: [user.profile.pk] if hasattr(user, "profile") else [],
        # Saving expertise (its methods and areas are set in the same transaction, and indexing
        # runs after commit) or an offer re-indexes the person.
        "people.Expertise": lambda expertise: _profile_of(expertise.user),
        "people.HelpOffer": lambda offer: _profile_of(offer.user),
    }

    def get_queryset(self):
        return (
            self.model_class()
            .objects.select_related("user")
            .prefetch_related(
                "interests", "user__expertise__methods", "user__expertise__care_areas", "user__help_offers"
            )
        )

    def should_index(self, obj) -> bool:
        # A suspended member whose content a moderator hid leaves search with it.
        return obj.searchable and obj.visibility != "private" and obj.user.is_active and not obj.user.content_hidden

    def _shown(self, obj) -> dict[str, Any]:
        from django.contrib.auth.models import AnonymousUser

        from accounts.permissions import visible_fields

        return visible_fields(AnonymousUser(), obj)

    def _expertise(self, obj) -> Any | None:
        from django.core.exceptions import ObjectDoesNotExist

        try:
            return obj.user.expertise
        except ObjectDoesNotExist:
            return None

    def prepare_title(self, obj) -> str:
        return obj.user.display_name

    def prepare_summary(self, obj) -> str:
        shown = self._shown(obj)
        return " · ".join(filter(None, [shown.get("job_title"), shown.get("profession"), shown.get("organisation")]))

    def prepare_body(self, obj) -> str:
        shown = self._shown(obj)
        interests = ", ".join(area.name for area in shown.get("interests", []))
        parts = [shown.get("bio", ""), interests]
        expertise = self._expertise(obj)
        if expertise is not None:
            parts.append(", ".join(method.name for method in expertise.methods.all()))
            parts.append(", ".join(area.name for area in expertise.care_areas.all()))
        parts += [offer.text for offer in obj.user.help_offers.all()]
        return " ".join(filter(None, parts))

    def prepare_url(self, obj) -> str:
        return obj.get_absolute_url()

    def prepare_members_only(self, obj) -> bool:
        return obj.visibility == "members"

    def prepare_published_at(self, obj):
        return obj.user.date_joined

    def prepare_boost(self, obj) -> float:
        return 0.8  # people should not crowd out the work itself at equal match

    def prepare_facets(self, obj) -> dict[str, list[str]]:
        shown = self._shown(obj)
        areas = [area.name for area in shown.get("interests", [])]
        expertise = self._expertise(obj)
        if expertise is not None:
            areas += [area.name for area in expertise.care_areas.all() if area.name not in areas]
        return {"organisation": [shown["organisation"]] if shown.get("organisation") else [], "care_area": areas}

    def prepare_key_facts(self, obj) -> list[str]:
        shown = self._shown(obj)
        facts = [v for v in (shown.get("profession"), shown.get("organisation")) if v]
        expertise = self._expertise(obj)
        if expertise is not None:
            facts += [label for wanted, label in ((expertise.open_to_visits, "Open to visits"),
                                                   (expertise.open_to_calls, "Open to calls")) if wanted]  # fmt: skip
        return facts


class StandardPageDocument(DocumentType):
    """An about/help/policy page."""

    doc_type = "page"
    label = "Page"
    model = "boost.StandardPage"
    is_page = True
    depends_on = {"wagtailcore.PageViewRestriction": _pages_under_restriction("boost.StandardPage")}

    def get_queryset(self):
        return self.model_class().objects.live()

    def should_index(self, obj) -> bool:
        return obj.live and not obj.get_view_restrictions().exists()

    def prepare_title(self, obj) -> str:
        return obj.title

    def prepare_summary(self, obj) -> str:
        return obj.intro or obj.search_description

    def prepare_body(self, obj) -> str:
        return stream_text(obj.body)

    def prepare_boost(self, obj) -> float:
        return 0.7  # help pages rank below community work at equal match


def _public_titles(communities: Iterable[Any]) -> list[str]:
    """Titles of communities whose existence is public (open ones and discoverable private ones).

    A write-up or priority is public, so its community facet must not name a private, undiscoverable
    community to people outside it.
    """
    return sorted(c.title for c in communities if c.live and (not c.is_private or c.discoverable))


def _work_years(published_at: datetime | None, measures: Iterable[Any]) -> list[str]:
    """The years from a write-up's first data point to its publication (from the stored analysis, no query)."""
    years = {published_at.year} if published_at else set()
    for measure in measures:
        rows = (measure.analysis or {}).get("rows") or []
        if rows:
            first, last = (datetime.fromisoformat(rows[i]["date"]).year for i in (0, -1))
            years.update(range(first, last + 1))
    if years:
        years.update(range(min(years), max(years) + 1))
    return [str(year) for year in sorted(years)]


def _latest_data_date(measures: Iterable[Any]) -> datetime | None:
    """When the newest data point of any measure was taken (from the stored analysis, no query)."""
    latest = None
    for measure in measures:
        rows = (measure.analysis or {}).get("rows") or []
        if rows:
            day = datetime.fromisoformat(rows[-1]["date"])
            latest = max(latest, day) if latest else day
    if latest is not None and timezone.is_naive(latest):
        latest = timezone.make_aware(latest, timezone.get_default_timezone())
    return latest


class ProjectWriteUpDocument(DocumentType):
    """A published improvement story. Only the live (published) version is indexed: drafts, stories in
    review, rejected or unpublished ones never are (a live story's newer draft stays out until published,
    because the indexer reads the page row, which Wagtail only changes on publish).

    Ranking: ``freshness_boost`` from the more recent of first publication and the newest data point,
    with evidence from its measures (share with 12+ points, a sustained improvement) and the bright-spot
    flag, so a recent, well-measured write-up outranks a stale idea of equal text match.
    """

    doc_type = "writeup"
    label = "Project write-up"
    model = "projects.ProjectPage"
    is_page = True
    # The headline and the evidence come from the measures: projects.measurement.refresh_measure
    # saves the Measure after every change to it or its data (points, annotations, phases, CSV),
    # so Measure's post_save is the "measure refreshed" signal.
    depends_on = {
        "wagtailcore.PageViewRestriction": _pages_under_restriction("projects.ProjectPage"),
        "projects.Measure": lambda measure: [measure.project_id],
        "projects.BrightSpot": lambda spot: [spot.project_id],
        "communities.CommunityPage": lambda community: (
            _related_model("projects.ProjectPage").objects.filter(communities=community.pk).values_list("pk", flat=True)
        ),
        "projects.PriorityPage": lambda priority: (
            _related_model("projects.ProjectPage").objects.filter(priorities=priority.pk).values_list("pk", flat=True)
        ),
        "projects.Organisation": lambda organisation: organisation.projects.values_list("pk", flat=True),
        "projects.Method": lambda method: method.projects.values_list("pk", flat=True),
    }

    def get_queryset(self):
        from django.db.models import Prefetch

        measure_model = _related_model("projects.Measure")
        return (
            self.model_class()
            .objects.live()
            .select_related("bright_spot")
            .prefetch_related(
                "organisations",
                "methods",
                "priorities",
                "communities",
                Prefetch("measures", queryset=measure_model.objects.defer("chart_svg").order_by("sort_order", "pk")),
            )
        )

    def should_index(self, obj) -> bool:
        return obj.live and not obj.get_view_restrictions().exists()

    def _measures(self, obj) -> list[Any]:
        return list(obj.measures.all())

    def _headline(self, obj) -> str:
        from projects.display import headline_measure

        measure = headline_measure(self._measures(obj))
        return measure.headline if measure else ""

    def prepare_title(self, obj) -> str:
        return obj.title

    def prepare_summary(self, obj) -> str:
        return " ".join(filter(None, [obj.summary, obj.aim]))

    def prepare_body(self, obj) -> str:
        from projects.models import SECTION_FIELDS

        spot = getattr(obj, "bright_spot", None)
        measures = [f"{m.name}: {m.operational_definition}" for m in self._measures(obj)]
        sections = [getattr(obj, name) for name in SECTION_FIELDS if name != "aim"]
        parts = [self._headline(obj), f"Bright spot. {spot.note}" if spot else "", *sections, *measures]
        return " ".join(part.strip() for part in parts if part and part.strip())

    def prepare_published_at(self, obj):
        return obj.first_published_at

    def prepare_boost(self, obj) -> float:
        measures = self._measures(obj)
        well_measured = sum(1 for m in measures if m.n_points >= 12) / len(measures) if measures else 0.0
        sustained = any(m.sustained_improvement for m in measures)
        bright_spot = getattr(obj, "bright_spot", None) is not None
        evidence = 0.5 * well_measured + 0.3 * sustained + 0.4 * bright_spot
        recent = max(filter(None, [obj.first_published_at, _latest_data_date(measures)]), default=None)
        return freshness_boost(recent, evidence=evidence)

    def prepare_facets(self, obj) -> dict[str, list[str]]:
        return {
            # Filed under every year its data covers as well as the year it was published: a project
            # measured since 2022 is found under 2022 even though its write-up went up later.
            "year": _work_years(obj.first_published_at, self._measures(obj)),
            "priority": sorted(p.title for p in obj.priorities.all() if p.live),
            "community": _public_titles(obj.communities.all()),
            "care_setting": [obj.get_care_setting_display()] if obj.care_setting else [],
            "care_area": [obj.care_area.name] if obj.care_area_id and obj.care_area else [],
            "stage": [obj.get_stage_display()],
            "organisation": [o.name for o in obj.organisations.all()],
            "method": [m.name for m in obj.methods.all()],
        }

    def prepare_key_facts(self, obj) -> list[str]:
        facts = [self._headline(obj) or "No data yet", f"Stage: {obj.get_stage_display()}"]
        if getattr(obj, "bright_spot", None) is not None:
            facts.append("Bright spot")
        return facts


class PriorityDocument(DocumentType):
    """A system improvement priority: its aim and why it matters, with its live projects counted."""

    doc_type = "priority"
    label = "Priority"
    model = "projects.PriorityPage"
    is_page = True
    depends_on = {
        "wagtailcore.PageViewRestriction": _pages_under_restriction("projects.PriorityPage"),
        # A write-up published, unpublished or re-tagged changes its priorities' project counts.
        "projects.ProjectPage": lambda project: (
            _related_model("projects.PriorityPage").objects.filter(projects=project.pk).values_list("pk", flat=True)
        ),
        "communities.CommunityPage": lambda community: (
            _related_model("projects.PriorityPage")
            .objects.filter(communities=community.pk)
            .values_list("pk", flat=True)
        ),
    }

    def get_queryset(self):
        from django.db.models import Count, Q

        return (
            self.model_class()
            .objects.live()
            .prefetch_related("communities")
            .annotate(live_projects=Count("projects", filter=Q(projects__live=True), distinct=True))
        )

    def should_index(self, obj) -> bool:
        return obj.live and not obj.get_view_restrictions().exists()

    def prepare_title(self, obj) -> str:
        return obj.title

    def prepare_summary(self, obj) -> str:
        return obj.aim

    def prepare_body(self, obj) -> str:
        return obj.why_it_matters

    def prepare_boost(self, obj) -> float:
        return 1.2  # few, curated, and the way into everything under them

    def prepare_facets(self, obj) -> dict[str, list[str]]:
        return {"priority": [obj.title], "community": _public_titles(obj.communities.all())}

    def prepare_key_facts(self, obj) -> list[str]:
        projects = getattr(obj, "live_projects", None)
        if projects is None:
            projects = obj.projects.filter(live=True).count()
        communities = len(_public_titles(obj.communities.all()))
        facts = [f"{projects} project{'s' if projects != 1 else ''}"]
        if communities:
            facts.append(f"{communities} communit{'ies' if communities != 1 else 'y'}")
        return facts


class EventDocument(DocumentType):
    """A community event. It carries its community's id and privacy, so a private community's
    events reach only its members, curators and admins.

    Cancelled events stay in the index (the community's own event list keeps them, and someone
    looking for an event they booked should learn it was cancelled), labelled "Cancelled" first
    among the key facts and ranked well below live events of equal match.
    """

    doc_type = "event"
    label = "Event"
    model = "communities.Event"
    # A community turning private (or being unpublished) changes who may see its events.
    depends_on = {"communities.CommunityPage": lambda community: community.events.values_list("pk", flat=True)}

    def get_queryset(self):
        return self.model_class().objects.select_related("community", "community__care_area")

    def should_index(self, obj) -> bool:
        return obj.community.live

    def prepare_title(self, obj) -> str:
        return obj.title

    def prepare_url(self, obj) -> str:
        from django.urls import reverse

        return reverse("communities:event", args=[obj.community.slug, obj.pk])

    def prepare_summary(self, obj) -> str:
        return obj.description

    def prepare_body(self, obj) -> str:
        return " ".join(filter(None, [obj.get_kind_display(), obj.venue, obj.cancel_reason]))

    def prepare_community_id(self, obj) -> int:
        return obj.community_id

    def prepare_is_private(self, obj) -> bool:
        return obj.community.is_private

    def prepare_published_at(self, obj):
        return obj.starts_at

    def prepare_boost(self, obj) -> float:
        boost = freshness_boost(obj.starts_at)
        return round(boost * 0.25, 4) if obj.is_cancelled else boost

    def prepare_facets(self, obj) -> dict[str, list[str]]:
        care_area = obj.community.care_area
        return {"community": [obj.community.title], "care_area": [care_area.name] if care_area else []}

    def prepare_key_facts(self, obj) -> list[str]:
        facts = ["Cancelled"] if obj.is_cancelled else []
        facts += [obj.short_date, obj.get_kind_display()]
        if obj.online_url and obj.venue:
            facts.append(f"{obj.venue} and online")
        elif obj.venue:
            facts.append(obj.venue)
        else:
            facts.append("Online")
        return facts


def _messages_prefetch():
    from django.db.models import Prefetch

    message_model = _related_model("discussions.Message")
    fields = ("id", "thread_id", "state", "hidden_at", "deleted_at", "body_html")
    return Prefetch(
        "messages", queryset=message_model.objects.only(*fields).order_by("id"), to_attr="messages_in_order"
    )


def _message_text(message: Any) -> str:
    from django.utils.html import strip_tags

    return " ".join(strip_tags(message.body_html).split())


class ThreadDocument(DocumentType):
    """A discussion thread: its title, its first message (summary) and the replies' text (body).

    Only published, not hidden and not deleted messages are read, so a hidden or deleted message's
    words never reach the index (the thread is re-indexed whenever a message changes). A thread in a
    community carries the community's id and privacy, so a private community's threads reach only its
    active members, curators and admins; a question on a page is indexed only while that page is live
    and has no Wagtail view restriction on it or an ancestor (stricter than
    ``discussions.permissions.can_view_thread``, which lets signed-in people or group members in: the
    index holds no per-person page rights, so a restricted page's questions stay out of search for
    everyone), and carries the private community it sits under,
    if any (``Thread.community``). Hidden threads are never indexed.
    """

    doc_type = "thread"
    label = "Discussion"
    model = "discussions.Thread"
    # The body is capped so one very long thread cannot dominate the index (or the row size).
    MAX_BODY_CHARS = 20_000
    depends_on = {
        "discussions.Message": lambda message: [message.thread_id],
        # A community turning private or being unpublished changes who may see its threads.
        "communities.CommunityPage": lambda community: community.threads.values_list("pk", flat=True),
        # Questions on a write-up come and go with its publication.
        "projects.ProjectPage": lambda page: (
            _related_model("discussions.Thread").objects.filter(page=page.pk).values_list("pk", flat=True)
        ),
        # A view restriction added to (or lifted from) a page or any ancestor closes (or opens) its questions.
        "wagtailcore.PageViewRestriction": lambda restriction: (
            _related_model("discussions.Thread")
            .objects.filter(page__path__startswith=restriction.page.path)
            .values_list("pk", flat=True)
        ),
    }

    def get_queryset(self):
        return (
            self.model_class()
            .objects.select_related("community", "community__care_area", "page")
            .prefetch_related(_messages_prefetch())
        )

    def _all_messages(self, obj) -> list[Any]:
        messages = getattr(obj, "messages_in_order", None)
        if messages is None:  # built outside get_queryset (a single object)
            messages = list(obj.messages.order_by("id"))
            obj.messages_in_order = messages
        return messages

    def _opening(self, obj) -> Any | None:
        """The thread's first message, if people can still read it (not hidden, deleted or held)."""
        messages = self._all_messages(obj)
        return messages[0] if messages and messages[0].is_visible else None

    def _replies(self, obj) -> list[Any]:
        return [message for message in self._all_messages(obj)[1:] if message.is_visible]

    def should_index(self, obj) -> bool:
        # Private conversations (direct messages) are never indexed, for anyone.
        if obj.is_hidden or obj.is_direct:
            return False
        if obj.community_id is not None and not obj.community.live:
            return False
        if obj.page_id is not None:
            return obj.page.live and not obj.page.get_view_restrictions().exists()
        return True

    def prepare_title(self, obj) -> str:
        return obj.title

    def prepare_summary(self, obj) -> str:
        opening = self._opening(obj)
        return _message_text(opening) if opening else ""

    def prepare_body(self, obj) -> str:
        return " ".join(_message_text(message) for message in self._replies(obj))[: self.MAX_BODY_CHARS]

    def prepare_community_id(self, obj) -> int | None:
        return obj.community_id

    def prepare_is_private(self, obj) -> bool:
        return obj.community_id is not None and obj.community.is_private

    def prepare_published_at(self, obj):
        # Discussions are "new" when they were last active, which is what "newest" should sort by.
        return obj.last_activity_at

    def prepare_boost(self, obj) -> float:
        # An answered question is worth more than an unanswered one; discussions sit just below the
        # write-ups they talk about at equal match.
        return round(0.9 * freshness_boost(obj.last_activity_at, evidence=min(len(self._replies(obj)), 5) / 5), 4)

    def prepare_facets(self, obj) -> dict[str, list[str]]:
        community = obj.community
        if community is not None:
            care_area = community.care_area
            return {"community": [community.title], "care_area": [care_area.name] if care_area else []}
        page = obj.page.specific if obj.page_id else None
        communities = getattr(page, "communities", None)
        return {"community": _public_titles(communities.all()) if communities is not None else []}

    def prepare_key_facts(self, obj) -> list[str]:
        from django.utils.dateformat import format as date_format

        replies = len(self._replies(obj))
        facts = [
            f"{replies} repl{'ies' if replies != 1 else 'y'}",
            f"Last activity {date_format(timezone.localtime(obj.last_activity_at), 'j M Y')}",
        ]
        if obj.page_id is not None:
            facts.append(f"Question on {obj.page.title}")
        elif obj.community is not None:
            facts.append(obj.community.title)
        if obj.is_locked:
            facts.append("Locked")
        return facts


registry.register(CommunityDocument)
registry.register(PersonDocument)
registry.register(StandardPageDocument)
registry.register(ProjectWriteUpDocument)
registry.register(PriorityDocument)
registry.register(EventDocument)
registry.register(ThreadDocument)


FUTURE_TYPES = """
Shapes for types not indexed yet (add each as a class above, then register it):

MessageDocument  doc_type "message", model "discussions.Message": one hit per message (threads are
    indexed whole today, as ``ThreadDocument``); url = thread URL + "#message-<pk>"; the thread's
    community_id and is_private; should_index False for held, hidden or deleted messages.
"""

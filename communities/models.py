"""Communities of practice and who belongs to them.

Contract other apps rely on (add to it, do not rename): ``CommunityPage`` with ``is_private``
and ``access``; ``Membership`` with ``role`` and ``state``; the read helpers in
``communities.permissions``.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager, PageQuerySet

from boost.blocks import content_blocks
from boost.models import BasePage


class Access(models.TextChoices):
    OPEN = "open", "Open: anyone can join"
    REQUEST = "request", "Request to join: a facilitator approves"
    INVITE = "invite", "Invite only"


class CommunityIndexPage(BasePage):
    """The communities directory."""

    template = "pages/community_index_page.html"
    max_count = 1
    parent_page_types = ["boost.HomePage"]
    subpage_types = ["communities.CommunityPage"]

    intro = models.TextField(blank=True, max_length=500)
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    PER_PAGE = 20

    def get_context(self, request, *args, **kwargs):
        """The directory: filter by care area, access and text; a constant number of queries per page."""
        from django.core.paginator import Paginator

        from boost.filters import FilterPanel, FilterText, choice_group
        from boost.models import CareArea
        from communities.permissions import sees_all_communities

        context = super().get_context(request, *args, **kwargs)
        user = request.user
        communities = CommunityPage.objects.child_of(self).listed_to(user)
        query = request.GET.get("q", "").strip()[:100]
        areas = [slug for slug in request.GET.getlist("care_area") if slug]
        access = [value for value in request.GET.getlist("access") if value in Access.values]
        if query:
            communities = communities.filter(
                models.Q(title__icontains=query)
                | models.Q(purpose__icontains=query)
                | models.Q(learning_question__icontains=query)
            )
        if areas:
            communities = communities.filter(care_area__slug__in=areas)
        if access:
            communities = communities.filter(access__in=access)
        communities = communities.with_directory_data(user).order_by("title")
        page = Paginator(communities, self.PER_PAGE).get_page(request.GET.get("page"))
        sees_all = sees_all_communities(user)
        for community in page.object_list:
            # Outsiders see a discoverable private community's title and purpose only.
            community.teaser_only = (
                community.is_private and not sees_all and community.viewer_state != Membership.State.ACTIVE
            )
        filters = request.GET.copy()
        filters.pop("page", None)
        filtered = bool(query or areas or access)
        url = self.get_url(request=request)
        context.update(
            page_obj=page,
            communities=page.object_list,
            query=query,
            filter_query=filters.urlencode(),
            filtered=filtered,
            filter_panel=FilterPanel(
                title="Filter communities",
                action=url,
                clear_url=url,
                active=filtered,
                text=FilterText(name="q", label="Name or topic", value=query),
                groups=[
                    choice_group(
                        "care_area", "Care area", CareArea.objects.values_list("slug", "name"), selected=areas
                    ),
                    choice_group("access", "Who can join", Access.choices, selected=access),
                ],
            ),
        )
        return context


# Paths under /communities/ served by Django views, so no community may take them as its slug.
RESERVED_SLUGS = frozenset({"propose", "proposals", "invitations"})


class CommunityQuerySet(PageQuerySet):
    def visible_to(self, user) -> CommunityQuerySet:
        """Live communities ``user`` may see: every public one, private ones they belong to."""
        from communities.permissions import sees_all_communities

        live = self.live()
        if sees_all_communities(user):
            return live
        public = models.Q(is_private=False)
        if not user.is_authenticated:
            return live.filter(public)
        member_of = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("community_id")
        return live.filter(public | models.Q(pk__in=member_of))

    def listed_to(self, user) -> CommunityQuerySet:
        """What the directory lists: the visible ones plus private communities marked discoverable."""
        from communities.permissions import sees_all_communities

        live = self.live()
        if sees_all_communities(user):
            return live
        shown = models.Q(is_private=False) | models.Q(discoverable=True)
        if user.is_authenticated:
            member_of = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values("community_id")
            shown |= models.Q(pk__in=member_of)
        return live.filter(shown)

    def with_directory_data(self, user) -> CommunityQuerySet:
        """Annotate member count, next event and the viewer's membership state: one query for a page of rows."""
        active = Membership.objects.filter(community=models.OuterRef("pk"), state=Membership.State.ACTIVE)
        upcoming = Event.objects.filter(
            community=models.OuterRef("pk"), cancelled_at__isnull=True, starts_at__gte=timezone.now()
        ).order_by("starts_at")
        qs = self.select_related("care_area").annotate(
            member_count=models.Subquery(
                active.order_by().values("community").annotate(n=models.Count("pk")).values("n")[:1],
                output_field=models.IntegerField(),
            ),
            next_event_at=models.Subquery(upcoming.values("starts_at")[:1]),
            next_event_title=models.Subquery(upcoming.values("title")[:1]),
        )
        if user.is_authenticated:
            mine = Membership.objects.filter(community=models.OuterRef("pk"), user=user)
            qs = qs.annotate(viewer_state=models.Subquery(mine.values("state")[:1]))
        else:
            qs = qs.annotate(viewer_state=models.Value(None, output_field=models.CharField()))
        return qs


CommunityManager = PageManager.from_queryset(CommunityQuerySet)


class CommunityPage(BasePage):
    """A community of practice: its purpose, who is in it, and what it shares."""

    template = "pages/community_page.html"
    parent_page_types = ["communities.CommunityIndexPage"]
    subpage_types: list[str] = []

    purpose = models.TextField(max_length=1000)
    learning_question = models.CharField(max_length=300, blank=True)
    care_area = models.ForeignKey(
        "boost.CareArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="communities"
    )
    access = models.CharField(max_length=16, choices=Access.choices, default=Access.OPEN)
    is_private = models.BooleanField(
        default=False, help_text="Private: only members see its discussions, members, events and resources."
    )
    discoverable = models.BooleanField(
        default=False, help_text="For a private community: list its title and purpose in the directory."
    )
    resources = StreamField(content_blocks(), blank=True, use_json_field=True)
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown at the top of the community page. Give the image a description: it is the alt text.",
    )
    # The Wagtail group whose page permissions let this community's facilitators edit this page
    # and nothing else; kept in step with facilitator memberships by communities.signals.
    facilitator_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="community"
    )

    objects = CommunityManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("purpose"),
        FieldPanel("learning_question"),
        FieldPanel("care_area"),
        FieldPanel("image"),
        MultiFieldPanel(
            [FieldPanel("access"), FieldPanel("is_private"), FieldPanel("discoverable")], heading="Who can join and see"
        ),
        FieldPanel("resources"),
    ]

    def clean(self):
        super().clean()
        if self.slug in RESERVED_SLUGS:
            raise ValidationError({"slug": f"“{self.slug}” is used by Boost itself; choose another slug."})
        if self.discoverable and not self.is_private:
            self.discoverable = False

    def serve(self, request, *args, **kwargs):
        from django.http import Http404
        from django.template.response import TemplateResponse

        from communities.permissions import community_access

        access = community_access(request.user, self)
        request.community_access = access
        if not access.can_view and not getattr(request, "is_preview", False):
            if access.can_see_teaser:
                return TemplateResponse(
                    request, "communities/community_teaser.html", {"page": self, "access": access, "self": self}
                )
            raise Http404("No such community")
        return super().serve(request, *args, **kwargs)

    def get_context(self, request, *args, **kwargs):
        from boost.structure import remembered
        from communities.permissions import community_access

        context = super().get_context(request, *args, **kwargs)
        access = getattr(request, "community_access", None) or community_access(request.user, self)
        # Who facilitates and how many belong: the same for every reader, so read once per content
        # generation (boost.structure; a membership or profile change moves it on).
        facilitators, member_count = remembered(("community-people", self.pk), self._people)
        upcoming_events = list(Event.objects.filter(community=self).upcoming().with_going_count()[:3])
        for event in upcoming_events:
            event.community = self  # the card links to its community: no query per event
        context.update(
            access=access,
            facilitators=list(facilitators),
            member_count=member_count,
            upcoming_events=upcoming_events,
            pending_count=(
                Membership.objects.filter(community=self, state=Membership.State.PENDING).count()
                if access.can_moderate
                else 0
            ),
            community_sections=community_sections(request, self),
        )
        return context

    def _people(self) -> tuple[list, int]:
        memberships = Membership.objects.filter(community=self, state=Membership.State.ACTIVE)
        facilitators = [
            m.user
            for m in memberships.filter(role=Membership.Role.FACILITATOR)
            .select_related("user__profile")
            .order_by("created_at")
        ]
        return facilitators, memberships.count()

    @property
    def is_open(self) -> bool:
        return self.access == Access.OPEN


def community_sections(request, community: CommunityPage) -> list[dict]:
    """Sections other apps add to a community page (discussions, projects, priorities).

    Each app registers a ``boost_community_sections(request, community)`` hook returning
    ``{"key", "title", "template", "items", "order"}`` or None, so this app needs no import of them.
    """
    from wagtail import hooks

    sections = [
        section for hook in hooks.get_hooks("boost_community_sections") if (section := hook(request, community))
    ]
    return sorted(sections, key=lambda section: section.get("order", 100))


def _calendar_token() -> str:
    return secrets.token_urlsafe(24)


class Membership(models.Model):
    """A person's place in a community: their role and where they are in joining or leaving."""

    class Role(models.TextChoices):
        MEMBER = "member", "Member"
        FACILITATOR = "facilitator", "Facilitator"

    class State(models.TextChoices):
        PENDING = "pending", "Requested to join"
        ACTIVE = "active", "Member"
        LEFT = "left", "Left"
        REMOVED = "removed", "Removed"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    state = models.CharField(max_length=16, choices=State.choices, default=State.ACTIVE)
    request_message = models.TextField(max_length=500, blank=True)
    # Secret in a member's personal calendar-feed URL for a private community (calendar apps
    # cannot send a session cookie); it stops working when the membership ends.
    calendar_token = models.CharField(max_length=48, default=_calendar_token, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "community"], name="one_membership_per_person")]
        indexes = [models.Index(fields=["community", "state", "role"])]

    def __str__(self) -> str:
        return f"{self.user} in {self.community} ({self.role}, {self.state})"

    @property
    def is_active(self) -> bool:
        return self.state == self.State.ACTIVE

    @property
    def is_facilitator(self) -> bool:
        return self.is_active and self.role == self.Role.FACILITATOR


class Invitation(models.Model):
    """A single-use, expiring invitation to a community, sent to an email address.

    Only a hash of the token is stored; the token itself travels in the emailed link.
    """

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    used_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation to {self.community} for {self.email}"

    @property
    def is_expired(self) -> bool:
        return timezone.now() >= self.expires_at

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and not self.is_expired


class CommunityProposal(models.Model):
    """A member's proposal for a new community, approved or declined by a curator."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for review"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"

    proposer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="community_proposals")
    name = models.CharField(max_length=120)
    purpose = models.TextField(max_length=1000)
    learning_question = models.CharField(max_length=300, blank=True)
    care_area = models.ForeignKey("boost.CareArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    access = models.CharField(max_length=16, choices=Access.choices, default=Access.OPEN)
    is_private = models.BooleanField(default=False)
    proposed_facilitators = models.TextField(
        blank=True, max_length=1000, help_text="Email addresses of Boost members who will facilitate with you."
    )
    state = models.CharField(max_length=16, choices=State.choices, default=State.PENDING)
    decline_reason = models.TextField(blank=True, max_length=1000)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    community = models.ForeignKey(CommunityPage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Proposal: {self.name}"

    def facilitator_emails(self) -> list[str]:
        raw = self.proposed_facilitators.replace(",", "\n").replace(";", "\n").split("\n")
        return [line.strip().lower() for line in raw if line.strip()]


class EventQuerySet(models.QuerySet):
    def upcoming(self) -> EventQuerySet:
        return self.filter(cancelled_at__isnull=True, ends_at__gte=timezone.now()).order_by("starts_at")

    def past(self) -> EventQuerySet:
        return self.filter(ends_at__lt=timezone.now()).order_by("-starts_at")

    def with_going_count(self) -> EventQuerySet:
        return self.annotate(going_count=models.Count("rsvps", filter=models.Q(rsvps__status=Rsvp.Status.GOING)))

    def visible_to(self, user) -> EventQuerySet:
        return self.filter(community__in=CommunityPage.objects.visible_to(user).values("pk"))


class Event(models.Model):
    """A community's meeting, webinar or convening day."""

    class Kind(models.TextChoices):
        MEETING = "meeting", "Meeting"
        WEBINAR = "webinar", "Webinar"
        CONVENING = "convening", "Convening day"

    community = models.ForeignKey(CommunityPage, on_delete=models.CASCADE, related_name="events")
    title = models.CharField(max_length=160)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.MEETING)
    description = models.TextField(max_length=4000, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    # The zone the organiser planned in; times are stored in UTC and shown in this zone.
    timezone = models.CharField(max_length=64, default="Europe/London")
    online_url = models.URLField(blank=True, help_text="Joining link for an online event.")
    venue = models.CharField(max_length=300, blank=True, help_text="Address for an in-person event.")
    capacity = models.PositiveIntegerField(null=True, blank=True, help_text="Leave empty for no limit.")
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=300, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    # RFC 5545 SEQUENCE: bumped on every change calendar apps must pick up.
    sequence = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["community", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="event_ends_after_start")
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def local_starts_at(self) -> datetime:
        return self.starts_at.astimezone(self.tz)

    @property
    def local_ends_at(self) -> datetime:
        return self.ends_at.astimezone(self.tz)

    @property
    def when(self) -> str:
        """The date and time in the organiser's zone, e.g. "Tuesday 1 December 2026, 14:00 to 15:30 GMT"."""
        start, end = self.local_starts_at, self.local_ends_at
        text = f"{start:%A} {start.day} {start:%B %Y}, {start:%H:%M} to "
        if end.date() != start.date():
            text += f"{end:%A} {end.day} {end:%B %Y}, "
        return text + f"{end:%H:%M} {end.tzname()}"

    @property
    def short_date(self) -> str:
        start = self.local_starts_at
        return f"{start.day} {start:%b %Y}, {start:%H:%M} {start.tzname()}"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_at is not None

    @property
    def is_past(self) -> bool:
        return self.ends_at < timezone.now()

    @property
    def ical_uid(self) -> str:
        return f"{self.uid}@boost"


class Rsvp(models.Model):
    """A member's answer to an event: going, not going, or on the waiting list."""

    class Status(models.TextChoices):
        GOING = "going", "Going"
        NOT_GOING = "not_going", "Not going"
        WAITING = "waiting", "On the waiting list"

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="rsvps")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rsvps")
    status = models.CharField(max_length=16, choices=Status.choices)
    # Waiting-list order: when the person joined the list.
    status_changed_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["event", "user"], name="one_rsvp_per_person")]
        indexes = [models.Index(fields=["event", "status", "status_changed_at"])]

    def __str__(self) -> str:
        return f"{self.user} · {self.event}: {self.get_status_display()}"

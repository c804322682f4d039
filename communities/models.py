"""Communities of practice and who belongs to them.

Contract other apps rely on (add to it, do not rename): ``CommunityPage`` with ``is_private``
and ``access``; ``Membership`` with ``role`` and ``state``; the read helpers in
``communities.permissions``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from wagtail.admin.panels import FieldPanel
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

    objects = CommunityManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("purpose"),
        FieldPanel("learning_question"),
        FieldPanel("care_area"),
        FieldPanel("access"),
        FieldPanel("is_private"),
        FieldPanel("discoverable"),
        FieldPanel("resources"),
    ]


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

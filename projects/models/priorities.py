"""System improvement priorities, chosen and ordered by leaders."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel
from wagtail.models import Page, PagePermissionTester

from boost.models import BasePage


def is_leader(user) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    loaded = user.loaded_groups()
    return "Leader" in loaded.values() if loaded is not None else user.groups.filter(name="Leader").exists()


class LeadersOnlyPermissionTester(PagePermissionTester):
    """Under the priorities index only leaders (and superusers) may add, publish or reorder pages."""

    def _leader(self) -> bool:
        cached = getattr(self, "_is_leader", None)
        if cached is None:
            cached = self._is_leader = is_leader(self.user)
        return cached

    def can_add_subpage(self):
        return self._leader() and super().can_add_subpage()

    def can_publish_subpage(self):
        return self._leader() and super().can_publish_subpage()

    def can_reorder_children(self):
        return self._leader() and super().can_reorder_children()


class PriorityIndexPage(BasePage):
    """The system's improvement priorities, in the order leaders set."""

    template = "pages/priority_index_page.html"
    max_count = 1
    parent_page_types = ["boost.HomePage"]
    subpage_types = ["projects.PriorityPage"]

    intro = models.TextField(blank=True, max_length=600)
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    def permissions_for_user(self, user):
        return LeadersOnlyPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from projects.rollup import priority_cards

        context = super().get_context(request, *args, **kwargs)
        context["priorities"] = priority_cards(request, self)
        context["is_leader"] = is_leader(request.user)
        return context


class PriorityPage(BasePage):
    """One system priority: its aim, why it matters, who leads it, and a roll-up of its projects."""

    template = "pages/priority_page.html"
    parent_page_types = ["projects.PriorityIndexPage"]
    subpage_types: list[str] = []

    aim = models.TextField(max_length=600)
    why_it_matters = models.TextField(blank=True)
    leads = ParentalManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="led_priorities")
    communities = ParentalManyToManyField("communities.CommunityPage", blank=True, related_name="priorities")

    content_panels = [
        *Page.content_panels,
        FieldPanel("aim"),
        FieldPanel("why_it_matters"),
        FieldPanel("leads"),
        FieldPanel("communities"),
    ]

    class Meta:
        verbose_name = "improvement priority"
        verbose_name_plural = "improvement priorities"

    def permissions_for_user(self, user):
        return LeadersOnlyPermissionTester(user, self)

    def get_context(self, request, *args, **kwargs):
        from projects.rollup import priority_rollup

        context = super().get_context(request, *args, **kwargs)
        context.update(priority_rollup(request, self))
        return context

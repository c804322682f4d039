"""Programme and learning-module pages, and the index they live under."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from boost.models import BasePage
from learning.blocks import PhaseBlock, default_phases, module_blocks


class ProgrammeIndexPage(BasePage):
    """Every improvement-capability programme."""

    template = "pages/programme_index_page.html"
    max_count = 1
    parent_page_types = ["boost.HomePage"]
    subpage_types = ["learning.ProgrammePage"]

    intro = models.TextField(blank=True, max_length=500)
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        from boost.permissions import visible_pages

        context = super().get_context(request, *args, **kwargs)
        context["programmes"] = list(
            visible_pages(ProgrammePage.objects.child_of(self).live(), request.user, request=request).order_by("path")
        )
        return context


class ProgrammePage(BasePage):
    """A programme: why it exists, who it is for, and its phases (crawl, walk, run by default)."""

    template = "pages/programme_page.html"
    parent_page_types = ["learning.ProgrammeIndexPage"]
    subpage_types = ["learning.LearningModulePage"]

    aim = models.TextField(max_length=1000)
    audience = models.TextField(max_length=600, help_text="Who the programme is for.")
    time_commitment = models.CharField(max_length=200, help_text="e.g. “A day or two a month for six months”.")
    phases = StreamField([("phase", PhaseBlock())], default=default_phases, use_json_field=True)
    leads = ParentalManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="led_programmes",
        help_text="Programme leads accept applications, sign off phase gates and see the cohort dashboard.",
    )
    skills_framework = models.ForeignKey(
        "learning.SkillsFramework",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="programmes",
        help_text="Learners rate themselves on this framework before and after the programme.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("aim"),
        FieldPanel("audience"),
        FieldPanel("time_commitment"),
        FieldPanel("phases"),
        MultiFieldPanel([FieldPanel("leads")], heading="Programme leads"),
        FieldPanel("skills_framework"),
    ]
    search_fields = [*Page.search_fields, index.SearchField("aim"), index.SearchField("audience")]

    def phase_list(self) -> list[dict]:
        """The phases as plain dicts (key, name, summary, sessions, modules, outputs), in order."""
        return [dict(block.value, id=block.id) for block in self.phases if block.block_type == "phase"]

    def phase_keys(self) -> list[str]:
        return [phase["key"] for phase in self.phase_list()]

    def phase_name(self, key: str) -> str:
        return next((phase["name"] for phase in self.phase_list() if phase["key"] == key), key)

    def module_pages(self) -> list[LearningModulePage]:
        """The live modules the phases name, in phase order, each once."""
        seen: dict[int, LearningModulePage] = {}
        for phase in self.phase_list():
            for module in phase["modules"]:
                if module is not None and module.live and module.pk not in seen:
                    seen[module.pk] = module
        return list(seen.values())

    def get_context(self, request, *args, **kwargs):
        from learning.display import programme_context

        context = super().get_context(request, *args, **kwargs)
        context.update(programme_context(request, self))
        return context


class LearningModulePage(BasePage):
    """A learning module: reading, video with transcript, resources, knowledge checks and reflections."""

    template = "pages/learning_module_page.html"
    parent_page_types = ["learning.ProgrammePage"]
    subpage_types: list[str] = []

    summary = models.TextField(max_length=600)
    duration_minutes = models.PositiveSmallIntegerField(default=30, help_text="About how long it takes.")
    body = StreamField(module_blocks(), use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("duration_minutes"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    def checks(self) -> list:
        return [block for block in self.body if block.block_type == "knowledge_check"]

    def get_context(self, request, *args, **kwargs):
        from learning.display import module_context

        context = super().get_context(request, *args, **kwargs)
        context.update(module_context(request, self))
        return context

"""The improvement-skills framework (a snippet curators edit and publish through Wagtail's own
draft and revision machinery) and each learner's self-assessment on it, before and after a
programme. A programme lead only ever sees these aggregated (see ``learning.assessment``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.models import DraftStateMixin, RevisionMixin

SCALE = range(1, 6)


class DomainBlock(blocks.StructBlock):
    """One skill domain with a described level for each point of the 1–5 scale."""

    key = blocks.CharBlock(
        max_length=40,
        help_text="Short fixed name that links answers across edits, e.g. “measurement”. Keep it when you reword.",
    )
    name = blocks.CharBlock(max_length=120)
    description = blocks.TextBlock(max_length=600, required=False)
    levels = blocks.ListBlock(
        blocks.CharBlock(max_length=300),
        min_num=5,
        max_num=5,
        help_text="Five described levels, from 1 (new to this) to 5 (can teach others).",
    )

    class Meta:
        icon = "list-ol"
        template = "learning/blocks/domain_block.html"
        description = "A skill domain on a 1–5 scale"


class SkillsFramework(DraftStateMixin, RevisionMixin, models.Model):
    """A published framework of improvement skills that programmes use for their self-assessment."""

    name = models.CharField(max_length=160)
    intro = models.TextField(max_length=1000, blank=True)
    domains = StreamField([("domain", DomainBlock())], use_json_field=True)

    panels = [FieldPanel("name"), FieldPanel("intro"), FieldPanel("domains")]

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name

    def domain_list(self) -> list[dict]:
        """The domains as plain dicts (key, name, description, levels), in order."""
        return [
            {**block.value, "levels": list(block.value["levels"])}
            for block in self.domains
            if block.block_type == "domain"
        ]


class SelfAssessment(models.Model):
    """One person's levels on a framework's domains at one stage of a programme. Only they see it."""

    class Stage(models.TextChoices):
        BEFORE = "before", "Before the programme"
        AFTER = "after", "After the programme"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_assessments")
    programme = models.ForeignKey("learning.ProgrammePage", on_delete=models.CASCADE, related_name="self_assessments")
    framework = models.ForeignKey(SkillsFramework, on_delete=models.PROTECT, related_name="self_assessments")
    stage = models.CharField(max_length=8, choices=Stage.choices)
    # {domain key: level 1–5}; keyed by the domain's fixed key so rewording a domain keeps answers.
    levels = models.JSONField(default=dict)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "programme", "stage"], name="one_self_assessment_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.programme} · {self.stage}"

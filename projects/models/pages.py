"""Project write-ups: the index, the story page (SQUIRE 2.0 in plain language), its team and bright spots."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable, Page, PageManager, PageQuerySet
from wagtail.search import index

from boost.models import BasePage
from boost.vocabulary import CareSetting


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    TESTING = "testing", "Testing"
    IMPLEMENTING = "implementing", "Implementing"
    SPREADING = "spreading", "Spreading"
    SUSTAINED = "sustained", "Sustained"


@dataclass(frozen=True)
class Section:
    field: str
    label: str
    hint: str
    required: bool = False


# SQUIRE 2.0's sections in plain language. Required ones must be written before a story is submitted.
SQUIRE_SECTIONS: tuple[Section, ...] = (
    Section("problem", "The problem", "What was wrong, for whom, and how you knew.", True),
    Section("what_was_known", "What was already known", "Evidence or experience you built on."),
    Section("rationale", "Why you thought it would work", "The theory or reasoning behind your change."),
    Section("aim", "Aim", "What you set out to achieve, by how much and by when.", True),
    Section("context", "Context", "Where this happened: the service, the people, what else was going on."),
    Section("changes", "What we changed", "The changes you tested, in enough detail to copy.", True),
    Section("study_approach", "How we studied it", "How you knew whether the changes made a difference."),
    Section("measures_description", "Measures", "What you measured and why (the data goes in Measures)."),
    Section("analysis", "Analysis", "How you looked at the data."),
    Section("ethics", "Ethics", "Consent, approvals, anything people should know."),
    Section("results", "Results", "What happened, including what did not work.", True),
    Section("findings_summary", "Summary", "The key findings in a few sentences."),
    Section("interpretation", "Interpretation", "What the results mean and why you think they happened."),
    Section("limitations", "Limitations", "What might make the results less certain."),
    Section("conclusions", "Conclusions", "What you would tell a team thinking of trying this."),
    Section("funding", "Funding", "Who paid for the work, if anyone."),
)
SECTION_FIELDS = tuple(section.field for section in SQUIRE_SECTIONS)


class ProjectIndexPage(BasePage):
    """Every published improvement story, with filters and sorting."""

    template = "pages/project_index_page.html"
    max_count = 1
    parent_page_types = ["boost.HomePage"]
    subpage_types = ["projects.ProjectPage"]

    intro = models.TextField(blank=True, max_length=500)
    content_panels = [*Page.content_panels, FieldPanel("intro")]

    def get_context(self, request, *args, **kwargs):
        from projects.listing import project_listing

        context = super().get_context(request, *args, **kwargs)
        context.update(project_listing(request, index_page=self))
        return context


class ProjectQuerySet(PageQuerySet):
    def for_cards(self) -> ProjectQuerySet:
        """What a project card needs, in a fixed number of queries whatever the page size."""
        from projects.models.measures import Measure

        return self.select_related("bright_spot").prefetch_related(
            "organisations",
            models.Prefetch(
                "measures",
                queryset=Measure.objects.defer("chart_svg", "small_chart_svg").order_by("sort_order", "pk"),
            ),
        )


ProjectManager = PageManager.from_queryset(ProjectQuerySet)


class ProjectPage(BasePage):
    """An improvement story: the structured write-up, its team, its measures and where it has spread."""

    template = "pages/project_page.html"
    parent_page_types = ["projects.ProjectIndexPage"]
    subpage_types: list[str] = []

    summary = models.TextField(
        "Plain-English summary", max_length=600, blank=True, help_text="For the public: two or three sentences."
    )
    image = models.ForeignKey(
        "wagtailimages.Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Shown beside the summary: a photo of the team's work, a diagram or a timeline. Give the image a "
        "description: it is the alt text.",
    )
    problem = models.TextField(blank=True)
    what_was_known = models.TextField(blank=True)
    rationale = models.TextField(blank=True)
    aim = models.TextField(blank=True)
    context = models.TextField(blank=True)
    changes = models.TextField(blank=True)
    study_approach = models.TextField(blank=True)
    measures_description = models.TextField(blank=True)
    analysis = models.TextField(blank=True)
    ethics = models.TextField(blank=True)
    results = models.TextField(blank=True)
    findings_summary = models.TextField(blank=True)
    interpretation = models.TextField(blank=True)
    limitations = models.TextField(blank=True)
    conclusions = models.TextField(blank=True)
    funding = models.TextField(blank=True)

    stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.IDEA, db_index=True)
    care_setting = models.CharField(max_length=20, choices=CareSetting.choices, blank=True, db_index=True)
    care_area = models.ForeignKey(
        "boost.CareArea", null=True, blank=True, on_delete=models.SET_NULL, related_name="projects"
    )
    organisations = ParentalManyToManyField("projects.Organisation", blank=True, related_name="projects")
    methods = ParentalManyToManyField("projects.Method", blank=True, related_name="projects")
    priorities = ParentalManyToManyField("projects.PriorityPage", blank=True, related_name="projects")
    communities = ParentalManyToManyField("communities.CommunityPage", blank=True, related_name="projects")
    adapted_from = models.ForeignKey(
        "projects.ProjectPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="adaptations",
        help_text="The project this one was adapted from (spread lineage).",
    )

    objects = ProjectManager()

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("image"),
        MultiFieldPanel([FieldPanel(section.field) for section in SQUIRE_SECTIONS], heading="The story (SQUIRE 2.0)"),
        MultiFieldPanel(
            [
                FieldPanel("stage"),
                FieldPanel("care_setting"),
                FieldPanel("care_area"),
                FieldPanel("organisations"),
                FieldPanel("methods"),
                FieldPanel("priorities"),
                FieldPanel("communities"),
                FieldPanel("adapted_from"),
            ],
            heading="About the project",
        ),
        InlinePanel("attachments", label="Attachments"),
    ]
    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("problem"),
        index.SearchField("aim"),
        index.SearchField("changes"),
        index.SearchField("results"),
        index.FilterField("stage"),
        index.FilterField("care_setting"),
    ]

    class Meta:
        verbose_name = "project write-up"

    @property
    def completeness(self) -> dict[str, object]:
        """Which SQUIRE sections (and the summary) are written: for the author's checklist."""
        written = [section for section in SQUIRE_SECTIONS if getattr(self, section.field).strip()]
        missing = [section for section in SQUIRE_SECTIONS if not getattr(self, section.field).strip()]
        missing_required = [section for section in missing if section.required]
        total = len(SQUIRE_SECTIONS) + 1
        done = len(written) + (1 if self.summary.strip() else 0)
        return {
            "done": done,
            "total": total,
            "percent": round(100 * done / total),
            "missing": missing,
            "missing_required": missing_required,
            "summary_missing": not self.summary.strip(),
            "ready": not missing_required and bool(self.summary.strip()) and bool(self.title.strip()),
        }

    def sections(self) -> list[tuple[Section, str]]:
        """The written sections, in SQUIRE order, for display."""
        return [(section, getattr(self, section.field)) for section in SQUIRE_SECTIONS if getattr(self, section.field)]

    def get_context(self, request, *args, **kwargs):
        from projects.display import project_context

        context = super().get_context(request, *args, **kwargs)
        context.update(project_context(request, self))
        return context


class ProjectAttachment(Orderable):
    """A document attached to a write-up (a driver diagram, a tracking list template, a report)."""

    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=160, blank=True)
    document = models.ForeignKey("wagtaildocs.Document", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("title"), FieldPanel("document")]

    def __str__(self) -> str:
        return self.title or self.document.title


class ProjectTeamMember(models.Model):
    """Someone on the team: a Boost member or a named external person.

    Not part of the page's revisions on purpose: the team decides who may edit the story, and
    that must take effect at once, not when a curator next publishes. Co-authors with an account
    may edit; lived-experience partners are credited as co-authors like anyone else.
    """

    project = models.ForeignKey(ProjectPage, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="project_roles"
    )
    name = models.CharField(max_length=120, blank=True, help_text="For people without a Boost account.")
    role = models.CharField(max_length=120, blank=True)
    organisation = models.CharField(max_length=160, blank=True)
    is_coauthor = models.BooleanField("Credited as co-author", default=True)
    lived_experience = models.BooleanField("Lived-experience partner", default=False)
    sort_order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "user"], condition=models.Q(user__isnull=False), name="one_team_place_per_person"
            ),
            models.CheckConstraint(
                condition=models.Q(user__isnull=False) | ~models.Q(name=""), name="team_member_has_a_name"
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.user_id and not self.name:
            return self.user.display_name
        return self.name


class BrightSpot(models.Model):
    """A project a leader features as a bright spot: on the home page and its priorities' pages."""

    project = models.OneToOneField(ProjectPage, on_delete=models.CASCADE, related_name="bright_spot")
    note = models.CharField(max_length=300, blank=True, help_text="Why it is a bright spot, in a sentence.")
    featured_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    featured_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-featured_at"]

    def __str__(self) -> str:
        return f"Bright spot: {self.project}"

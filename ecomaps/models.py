"""System eco-maps: stations, journeys through them, links and annotations.

A map belongs to exactly one community or one improvement priority and follows its privacy
(``ecomaps.permissions``). Its drawing (``layout`` and ``svg``) is computed by the services once
per change and stored, so a page view never lays the map out.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EcoMap(models.Model):
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    community = models.ForeignKey(
        "communities.CommunityPage", null=True, blank=True, on_delete=models.CASCADE, related_name="ecomaps"
    )
    priority = models.ForeignKey(
        "projects.PriorityPage", null=True, blank=True, on_delete=models.CASCADE, related_name="ecomaps"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Bumped by every change; the stored drawing records which version it was made from.
    version = models.PositiveIntegerField(default=1)
    layout = models.JSONField(default=dict, blank=True)
    svg = models.TextField(blank=True)
    drawn_version = models.PositiveIntegerField(default=0)
    # The validation round, kept on the map so its page shows it without another query.
    review_open = models.BooleanField(default=False)
    validated_at = models.DateTimeField(null=True, blank=True)
    validated_by_count = models.PositiveIntegerField(default=0)
    # Workshop mode: while a facilitator runs a workshop, members change the map as facilitators do
    # (everyone with the map open sees each change live, ecomaps.consumers).
    workshop_open = models.BooleanField(default=False)

    class Meta:
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(community__isnull=False, priority__isnull=True))
                | (models.Q(community__isnull=True, priority__isnull=False)),
                name="ecomap_has_one_owner",
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner(self):
        return self.community if self.community_id else self.priority


class Station(models.Model):
    class Kind(models.TextChoices):
        SERVICE = "service", "Service"
        TEAM = "team", "Team"
        ORGANISATION = "organisation", "Organisation"
        ROLE = "role", "Role"
        ASSET = "asset", "Community asset"
        TOUCHPOINT = "touchpoint", "Touchpoint"

    map = models.ForeignKey(EcoMap, on_delete=models.CASCADE, related_name="stations")
    # A short identifier unique within the map: what journeys and CSV rows refer to.
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.SERVICE)
    organisation = models.CharField(max_length=160, blank=True)
    description = models.TextField(blank=True)
    # A facilitator's nudge: a grid cell the layout keeps this station in (when it is free).
    pinned_col = models.IntegerField(null=True, blank=True)
    pinned_row = models.IntegerField(null=True, blank=True)
    # Bumped by each edit of this station: an edit form carries it, so a stale write is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [models.UniqueConstraint(fields=["map", "key"], name="ecomap_station_key_unique")]

    def __str__(self) -> str:
        return self.name


class Journey(models.Model):
    map = models.ForeignKey(EcoMap, on_delete=models.CASCADE, related_name="journeys")
    key = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # A branch is its own line: it must start at a station of the journey it branches from.
    branch_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="branches")
    order = models.PositiveIntegerField(default=0)
    # Bumped by each edit of this journey: an edit form carries it, so a stale write is refused.
    version = models.PositiveIntegerField(default=1)

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["map", "key"], name="ecomap_journey_key_unique")]

    def __str__(self) -> str:
        return self.name


class Stop(models.Model):
    """One step of a journey. A journey may come back to a station it visited before."""

    journey = models.ForeignKey(Journey, on_delete=models.CASCADE, related_name="stops")
    position = models.PositiveIntegerField()
    # PROTECT: a station still on a journey is removed only through the service, which reroutes or refuses.
    station = models.ForeignKey(Station, on_delete=models.PROTECT, related_name="stops")

    class Meta:
        ordering = ["journey", "position"]
        constraints = [models.UniqueConstraint(fields=["journey", "position"], name="ecomap_stop_position_unique")]

    def __str__(self) -> str:
        return f"{self.journey} #{self.position}"


class Link(models.Model):
    class Kind(models.TextChoices):
        HANDOFF = "handoff", "Handoff"
        INFORMATION = "information", "Information flow"
        CONTRACT = "contract", "Contract"

    map = models.ForeignKey(EcoMap, on_delete=models.CASCADE, related_name="links")
    source = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="links_out")
    target = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HANDOFF)
    description = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.source} to {self.target}"


class Annotation(models.Model):
    class Kind(models.TextChoices):
        PAIN_POINT = "pain", "Pain point"
        BRIGHT_SPOT = "bright", "Bright spot"
        OPPORTUNITY = "opportunity", "Opportunity"
        DATA = "data", "Data"

    map = models.ForeignKey(EcoMap, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    text = models.CharField(max_length=300)
    evidence = models.TextField(blank=True)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    # Who said it, as they asked to be named (a workshop participant may have no account).
    raised_by_name = models.CharField(max_length=120, blank=True)
    lived_experience = models.BooleanField(default=False, help_text="Raised by a patient or carer")
    # Pinned to exactly one of: a station, a journey segment (the step starting at segment_position), a link.
    station = models.ForeignKey(Station, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations")
    journey = models.ForeignKey(Journey, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations")
    segment_position = models.PositiveIntegerField(null=True, blank=True)
    link = models.ForeignKey(Link, null=True, blank=True, on_delete=models.CASCADE, related_name="annotations")
    # The write-ups that name this annotation as what they address (one may have been started from
    # it): the map shows this work under way, and its SPC signal, only to whoever may see each one.
    work = models.ManyToManyField("projects.ProjectPage", blank=True, related_name="ecomap_annotations")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(station__isnull=False, journey__isnull=True, link__isnull=True)
                | models.Q(
                    station__isnull=True, journey__isnull=False, segment_position__isnull=False, link__isnull=True
                )
                | models.Q(station__isnull=True, journey__isnull=True, link__isnull=False),
                name="ecomap_annotation_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text}"


class Endorsement(models.Model):
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="endorsements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["annotation", "user"], name="ecomap_endorse_once")]

    def __str__(self) -> str:
        return f"{self.user} endorses {self.annotation}"


class Revision(models.Model):
    """One change to a map: who made it, when, and the whole map as it stood afterwards.

    Written by :func:`ecomaps.services.redraw`, which every change goes through, so there is one
    record of history. ``number`` is the map's ``version`` after the change; any two revisions of
    a map can be compared (``ecomaps.revisions``)."""

    map = models.ForeignKey(EcoMap, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    summary = models.CharField(max_length=300)
    snapshot = models.JSONField(default=dict)

    class Meta:
        ordering = ["-number"]
        constraints = [models.UniqueConstraint(fields=["map", "number"], name="ecomap_revision_number_unique")]

    def __str__(self) -> str:
        return f"{self.map} revision {self.number}: {self.summary}"


class Review(models.Model):
    """A validation round: a facilitator opens it, people with lived experience say whether they
    recognise the map and comment on each journey, the facilitator closes it. A round closed with
    at least one endorsement of the whole map marks the map validated (``EcoMap.validated_at``)."""

    map = models.ForeignKey(EcoMap, on_delete=models.CASCADE, related_name="reviews")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    closed_at = models.DateTimeField(null=True, blank=True)
    endorsed_by_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["map"], condition=models.Q(closed_at__isnull=True), name="ecomap_one_open_review"
            )
        ]

    def __str__(self) -> str:
        return f"Review of {self.map} opened {self.opened_at:%d %b %Y}"


class ReviewResponse(models.Model):
    """One person's view in a round: of the whole map (no journey) or of one journey."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="responses")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    journey = models.ForeignKey(Journey, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    recognised = models.BooleanField(default=False)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "user"], condition=models.Q(journey__isnull=True), name="ecomap_review_map_once"
            ),
            models.UniqueConstraint(
                fields=["review", "user", "journey"],
                condition=models.Q(journey__isnull=False),
                name="ecomap_review_journey_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} on {self.journey or self.review.map}"


class Suggestion(models.Model):
    """A member's proposed station or journey, waiting for a facilitator to accept (it is then
    added through the same service as a facilitator's own change) or decline it."""

    class Kind(models.TextChoices):
        STATION = "station", "Station"
        JOURNEY = "journey", "Journey"

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for a facilitator"
        ACCEPTED = "accepted", "Accepted"
        DECLINED = "declined", "Declined"

    map = models.ForeignKey(EcoMap, on_delete=models.CASCADE, related_name="suggestions")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The form's cleaned fields, as the service that adds it takes them.
    data = models.JSONField(default=dict)
    suggested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} “{self.data.get('name', '')}” ({self.get_state_display()})"

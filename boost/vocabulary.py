"""Shared lists of choices that several apps store (kept free of other imports so any models module
may use them)."""

from __future__ import annotations

from django.db import models


class CareSetting(models.TextChoices):
    """Where care happens: a write-up's setting and where a member works (one list for both)."""

    ACUTE = "acute", "Hospital (acute)"
    COMMUNITY = "community", "Community health"
    PRIMARY = "primary", "Primary care"
    SOCIAL_CARE = "social_care", "Social care"
    MENTAL_HEALTH = "mental_health", "Mental health"
    VOLUNTARY = "voluntary", "Voluntary sector"
    HOME = "home", "People's homes"
    WHOLE_SYSTEM = "whole_system", "Across the system"

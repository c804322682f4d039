"""Shared tags for projects: the organisations that run them and the improvement methods they use."""

from __future__ import annotations

from django.db import models
from django.utils.text import slugify
from wagtail.admin.panels import FieldPanel


class Organisation(models.Model):
    """A trust, council, practice, charity or network that takes part in projects."""

    name = models.CharField(max_length=160, unique=True)
    slug = models.SlugField(max_length=160, unique=True)

    panels = [FieldPanel("name"), FieldPanel("slug")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = slugify(self.name)[:160] or "organisation"
        super().save(*args, **kwargs)


class Method(models.Model):
    """An improvement method (Model for Improvement/PDSA, ecosystem mapping, zero-day tracking list…)."""

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    description = models.CharField(max_length=300, blank=True)

    panels = [FieldPanel("name"), FieldPanel("slug"), FieldPanel("description")]

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

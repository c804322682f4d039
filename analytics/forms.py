from __future__ import annotations

from datetime import timedelta

from django import forms
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from boost.forms import BoostForm
from communities.models import CommunityPage

MAX_DAYS = 3 * 366


class ManyOptionsSelect(forms.Select):
    """A plain ``<select>`` for a long list (a site's thousand communities), written in Python:
    Django renders each option through its own template, which took most of a second per page for
    a thousand. Same markup (the bound field's NHS.UK classes and ``aria-describedby`` included)."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (key, mark_safe(" selected") if key in chosen else "", label)
                for key, label in ((str(v), label) for v, label in self.choices)
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class RangeForm(BoostForm):
    """The dashboard's filters: a date range (a year up to today unless chosen) and one community."""

    start = forms.DateField(
        label="From",
        required=False,
        help_text="For example, 2026-01-31",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label="To", required=False, help_text="For example, 2026-12-31", widget=forms.DateInput(attrs={"type": "date"})
    )
    community = forms.ModelChoiceField(
        label="Community",
        queryset=CommunityPage.objects.none(),
        required=False,
        empty_label="All communities",
        to_field_name="slug",
        widget=ManyOptionsSelect,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the options show: a site with a thousand communities lists a thousand of them.
        communities = CommunityPage.objects.visible_to(user).order_by("title")
        field = self.fields["community"]
        field.queryset = communities.only("pk", "slug", "title", "path", "depth")
        # The options need only slugs and titles: a thousand page objects took 40 ms to make.
        field.widget.choices = [("", field.empty_label), *communities.values_list("slug", "title")]

    def clean(self):
        data = super().clean()
        today = timezone.localdate()
        end = data.get("end") or today
        start = data.get("start") or end - timedelta(days=364)
        if end < start:
            self.add_error("end", "The end date must be the same as or after the start date.")
        elif (end - start).days > MAX_DAYS:
            self.add_error("start", "Choose a range of three years or less.")
        data["start"], data["end"] = start, end
        return data

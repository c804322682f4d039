from __future__ import annotations

from datetime import timedelta

from django import forms
from django.utils import timezone

from boost.forms import BoostForm
from communities.models import CommunityPage

MAX_DAYS = 3 * 366


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
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Only what the options show: a site with a thousand communities lists a thousand of them.
        self.fields["community"].queryset = (
            CommunityPage.objects.visible_to(user).only("pk", "slug", "title", "path", "depth").order_by("title")
        )

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

from __future__ import annotations

import re

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape
from django.utils.safestring import mark_safe

from boost.forms import BoostForm
from ecomaps.csv_import import MAX_BYTES
from ecomaps.models import Annotation, Link, Station


class MapForm(BoostForm):
    title = forms.CharField(max_length=200, label="Map title")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}), label="What the map covers")


class StationForm(BoostForm):
    name = forms.CharField(max_length=120)
    key = forms.SlugField(
        max_length=60,
        required=False,
        label="Short id",
        help_text="Used in journeys and spreadsheets. Made from the name if left empty.",
    )
    kind = forms.ChoiceField(choices=Station.Kind.choices, label="Type")
    organisation = forms.CharField(max_length=160, required=False, label="Owning organisation")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class JourneyForm(BoostForm):
    name = forms.CharField(
        max_length=200, help_text="For example “Mrs A, waiting for a package of care after discharge”."
    )
    key = forms.SlugField(
        max_length=60,
        required=False,
        label="Short id",
        help_text="Made from the name if left empty. To change a journey, use “Change” beside it.",
    )
    stops = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Station ids in order, separated by commas or new lines. A journey may return to a station.",
    )
    branch_of = forms.CharField(max_length=60, required=False, label="Branches from (journey id, optional)")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    # What the form was opened on: 0 for a new journey, else the journey's version (see services).
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0, required=False)

    def clean_version(self) -> int:
        return self.cleaned_data["version"] or 0

    def clean_stops(self) -> list[str]:
        return [part.strip() for part in re.split(r"[,\n\r]+", self.cleaned_data["stops"]) if part.strip()]


class JourneyEditForm(JourneyForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["key"]


class StationEditForm(BoostForm):
    name = forms.CharField(max_length=120)
    kind = forms.ChoiceField(choices=Station.Kind.choices, label="Type")
    organisation = forms.CharField(max_length=160, required=False, label="Owning organisation")
    description = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CompareForm(BoostForm):
    older = forms.IntegerField(label="From revision", min_value=1)
    newer = forms.IntegerField(label="To revision", min_value=1)


class ManyOptionsSelect(forms.Select):
    """A select drawn in one pass of Python rather than one template per option: the annotation
    form lists every station, journey step and link, about 2,000 options on a map at the size
    limit, where Django's per-option templates took about half the map page's time. Same HTML."""

    def render(self, name, value, attrs=None, renderer=None) -> str:
        chosen = {str(v) for v in (value if isinstance(value, (list, tuple)) else [value]) if v is not None}
        options = "".join(
            f'<option value="{escape(option)}"{" selected" if str(option) in chosen else ""}>{escape(label)}</option>'
            for option, label in self.choices
        )
        final = self.build_attrs(self.attrs, attrs)
        return mark_safe(f'<select name="{escape(name)}"{flatatt(final)}>{options}</select>')  # noqa: S308 - escaped


class AnnotationForm(BoostForm):
    kind = forms.ChoiceField(choices=Annotation.Kind.choices, label="Kind")
    text = forms.CharField(max_length=300, label="What was said")
    target = forms.ChoiceField(label="Pinned to", widget=ManyOptionsSelect)
    evidence = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    raised_by_name = forms.CharField(max_length=120, required=False, label="Raised by (leave empty for you)")
    lived_experience = forms.BooleanField(required=False, label="Raised by a patient or carer")

    def __init__(self, *args, targets: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets

    def target_kwargs(self) -> dict:
        kind, _, rest = self.cleaned_data["target"].partition(":")
        if kind == "station":
            return {"station": rest}
        if kind == "step":
            journey, _, number = rest.rpartition(":")
            return {"journey": journey, "segment": int(number) if number.isdigit() else None}
        return {"link": int(rest) if rest.isdigit() else None}


class LinkForm(BoostForm):
    source = forms.SlugField(label="From station (id)")
    target = forms.SlugField(label="To station (id)")
    kind = forms.ChoiceField(choices=Link.Kind.choices)
    description = forms.CharField(max_length=300, required=False)


class NudgeForm(BoostForm):
    station = forms.SlugField(label="Station (id)")
    col = forms.IntegerField(required=False, label="Column", min_value=0, max_value=500)
    row = forms.IntegerField(required=False, label="Row", min_value=0, max_value=500)


class ImportForm(BoostForm):
    file = forms.FileField(
        label="CSV file",
        help_text=f"Saved from a spreadsheet as 'CSV UTF-8', up to {MAX_BYTES // 1024} KB, in the columns above.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                f"The file is too big ({upload.size // 1024} KB). The most it can be is {MAX_BYTES // 1024} KB."
            )
        return upload


class ReviewResponseForm(BoostForm):
    recognised = forms.BooleanField(required=False, label="I recognise this")
    comment = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Comment (optional)",
        help_text="What is missing, wrong, or rings true.",
    )

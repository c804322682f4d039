"""Forms for writing stories, managing teams and measures, reviewing and contacting teams."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from boost.forms import BoostForm, BoostModelForm
from boost.honeypot import HoneypotField
from boost.models import CareArea
from communities.models import CommunityPage
from projects.csv_import import MAX_BYTES
from projects.models import (
    SQUIRE_SECTIONS,
    Better,
    CareSetting,
    Measure,
    MeasureType,
    Method,
    PriorityPage,
    Stage,
)

SECTION_BY_FIELD = {section.field: section for section in SQUIRE_SECTIONS}

# The writing journey: each step saves a draft. Team, measures and submit have their own pages.
STORY_STEPS: list[tuple[str, str, tuple[str, ...]]] = [
    ("about", "About the project", ()),
    ("problem", "The problem and your aim", ("problem", "what_was_known", "rationale", "aim", "context")),
    ("approach", "What you did", ("changes", "study_approach", "measures_description", "analysis", "ethics")),
    (
        "results",
        "What happened",
        ("results", "findings_summary", "interpretation", "limitations", "conclusions", "funding"),
    ),
]
STEP_KEYS = [key for key, _, _ in STORY_STEPS]


class AboutForm(BoostForm):
    """Step 1: what the story is called, who it is for, and where it sits."""

    title = forms.CharField(max_length=120, help_text="A short, plain title, for example 'Zero-day tracking list'.")
    summary = forms.CharField(
        label="Plain-English summary",
        max_length=600,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Two or three sentences for the public: what you changed and what happened. Needed to submit.",
    )
    stage = forms.ChoiceField(choices=Stage.choices, widget=forms.RadioSelect, initial=Stage.IDEA)
    care_setting = forms.ChoiceField(
        label="Care setting", choices=[("", "Choose a setting"), *CareSetting.choices], required=False
    )
    care_area = forms.ModelChoiceField(
        label="Care area", queryset=CareArea.objects.all(), required=False, empty_label="Choose a care area"
    )
    organisations_text = forms.CharField(
        label="Organisations",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One per line.",
    )
    methods = forms.ModelMultipleChoiceField(
        label="Methods used", queryset=Method.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    priorities = forms.ModelMultipleChoiceField(
        label="System priorities this supports",
        queryset=PriorityPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    communities = forms.ModelMultipleChoiceField(
        label="Communities of practice",
        queryset=CommunityPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = PriorityPage.objects.live().order_by("path")
        self.fields["communities"].queryset = CommunityPage.objects.visible_to(user).order_by("title")
        if not self.fields["priorities"].queryset.exists():
            del self.fields["priorities"]
        if not self.fields["communities"].queryset.exists():
            del self.fields["communities"]

    @staticmethod
    def initial_from(draft) -> dict:
        return {
            "title": draft.title,
            "summary": draft.summary,
            "stage": draft.stage,
            "care_setting": draft.care_setting,
            "care_area": draft.care_area,
            "organisations_text": "\n".join(org.name for org in draft.organisations.all()),
            "methods": list(draft.methods.all()),
            "priorities": list(draft.priorities.all()),
            "communities": list(draft.communities.all()),
        }

    def story_data(self) -> dict:
        from projects.services import organisations_from_names

        data = {key: self.cleaned_data[key] for key in ("title", "summary", "stage", "care_setting", "care_area")}
        data["methods"] = list(self.cleaned_data["methods"])
        data["organisations"] = organisations_from_names(self.cleaned_data["organisations_text"].splitlines())
        for name in ("priorities", "communities"):
            if name in self.fields:
                data[name] = list(self.cleaned_data[name])
        return data


def sections_form(field_names: tuple[str, ...]) -> type[forms.Form]:
    """A form for some SQUIRE sections, labelled in plain language with hints."""
    fields = {}
    for name in field_names:
        section = SECTION_BY_FIELD[name]
        fields[name] = forms.CharField(
            label=section.label,
            required=False,
            max_length=10000,
            widget=forms.Textarea(attrs={"rows": 6 if section.required else 4}),
            help_text=section.hint + (" Needed to submit." if section.required else ""),
        )
    return type("SectionsForm", (forms.Form,), fields)


class TeamMemberForm(BoostForm):
    email = forms.EmailField(
        label="Their Boost email address",
        required=False,
        help_text="If they have a Boost account: co-authors with an account can edit the story.",
    )
    name = forms.CharField(label="Name", max_length=120, required=False, help_text="For people without an account.")
    role = forms.CharField(label="Role on the team", max_length=120, required=False)
    organisation = forms.CharField(max_length=160, required=False)
    is_coauthor = forms.BooleanField(label="Credit as a co-author", required=False, initial=True)
    lived_experience = forms.BooleanField(label="Lived-experience partner (a patient or carer)", required=False)

    def clean(self):
        from accounts.models import User

        data = super().clean()
        email = data.get("email")
        data["member"] = None
        if email:
            data["member"] = User.objects.filter(email__iexact=email, is_active=True).first()
            if data["member"] is None:
                self.add_error("email", "No one on Boost has that email address. Give their name instead.")
        elif not data.get("name", "").strip():
            self.add_error("name", "Give the person's name, or the email address of their Boost account.")
        return data


class MeasureForm(BoostModelForm):
    class Meta:
        model = Measure
        fields = [
            "name",
            "operational_definition",
            "measure_type",
            "unit",
            "better",
            "target",
            "decimal_places",
            "screen_outliers",
        ]
        labels = {"measure_type": "Type of measure", "operational_definition": "Operational definition"}
        widgets = {
            "measure_type": forms.RadioSelect(choices=MeasureType.choices),
            "better": forms.RadioSelect(choices=[("", "Neither"), *Better.choices]),
            "operational_definition": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {"target": "Optional. A target needs a direction (which way is better)."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["better"].required = False


class DataPointForm(BoostForm):
    date = forms.DateField(help_text="For example 2024-03-01.", input_formats=["%Y-%m-%d", "%d/%m/%Y"])
    value = forms.DecimalField(max_digits=14, decimal_places=4)

    def clean_value(self) -> Decimal:
        value = self.cleaned_data["value"]
        if not value.is_finite():
            raise forms.ValidationError("Enter a number.")
        return value


class CsvUploadForm(BoostForm):
    file = forms.FileField(
        label="CSV file",
        help_text=(
            "A header row 'date,value', then one row per date. Dates like 2024-03-01, 01/03/2024 or 2024-03. "
            f"Up to {MAX_BYTES // 1024} KB."
        ),
    )
    replace = forms.BooleanField(label="Replace the existing data", required=False)


class AnnotationForm(BoostForm):
    date = forms.DateField(input_formats=["%Y-%m-%d", "%d/%m/%Y"], help_text="For example 2024-03-01.")
    label = forms.CharField(label="What changed", max_length=120, help_text="For example 'PDSA 2: daily huddle'.")
    is_pdsa = forms.BooleanField(label="This was a PDSA cycle", required=False, initial=True)


class PhaseForm(BoostForm):
    start_date = forms.DateField(
        label="Recalculate the limits from",
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text="The date a change moved the process. For example 2023-04-01.",
    )
    label = forms.CharField(max_length=120, required=False, label="Why")


class ReviewForm(BoostForm):
    decision = forms.ChoiceField(
        choices=[("approve", "Approve and publish"), ("changes", "Request changes")], widget=forms.RadioSelect
    )
    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="The authors see this. Needed when you request changes.",
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "changes" and not data.get("comment", "").strip():
            self.add_error("comment", "Say what needs to change: the authors will see your comment.")
        return data


class ContactForm(BoostForm):
    message = forms.CharField(
        max_length=3000, widget=forms.Textarea(attrs={"rows": 6}), help_text="The team will reply to your email."
    )
    website = HoneypotField()


class BrightSpotForm(BoostForm):
    note = forms.CharField(max_length=300, required=False, label="Why it is a bright spot")


class AttachmentForm(BoostForm):
    title = forms.CharField(max_length=160, required=False, help_text="What the file is, for example 'Driver diagram'.")
    file = forms.FileField(help_text="A PDF, Word, PowerPoint, spreadsheet or similar, up to 10 MB.")

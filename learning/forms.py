"""Forms for cohorts, teams, phase gates, attendance and value work (rendered by the NHS.UK renderer)."""

from __future__ import annotations

from django import forms

from accounts.models import User
from boost.models import CareArea
from learning.models import Application, Intervention, ResourceShift


class ApplyForm(forms.Form):
    statement = forms.CharField(
        label="Why do you want to join? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What you hope to learn and the care area you work in.",
    )


class DecisionForm(forms.Form):
    state = forms.ChoiceField(
        choices=[
            (Application.State.ACCEPTED, "Accept"),
            (Application.State.WAITLISTED, "Waiting list"),
            (Application.State.DECLINED, "Decline"),
        ]
    )


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    care_area = forms.ModelChoiceField(CareArea.objects.all(), required=False)
    coach = forms.EmailField(label="Coach's email address (optional)", required=False)
    max_size = forms.IntegerField(label="Most people in the team", min_value=2, max_value=30, initial=10)

    def clean_coach(self):
        email = self.cleaned_data["coach"].strip().lower()
        if not email:
            return None
        user = User.objects.filter(email=email, is_active=True).first()
        if user is None:
            raise forms.ValidationError("No Boost member has that email address.")
        return user


class TeamMemberForm(forms.Form):
    user = forms.ModelChoiceField(User.objects.none(), label="Accepted applicant", empty_label="Choose a person")

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = candidates if candidates is not None else User.objects.none()
        self.fields["user"].label_from_instance = lambda user: user.display_name


class GateForm(forms.Form):
    note = forms.CharField(
        label="What the team showed", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    writeups = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Write-ups"
    )
    measures = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Measures"
    )
    maps = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="System maps"
    )
    value_exercises = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Value exercises"
    )

    def __init__(self, *args, evidence: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for name, queryset in evidence.items():
            self.fields[name].queryset = queryset
        for name in list(self.fields):
            if name != "note" and not self.fields[name].queryset.exists():
                del self.fields[name]


class AttendanceForm(forms.Form):
    attended = forms.MultipleChoiceField(
        label="Who attended", required=False, widget=forms.CheckboxSelectMultiple, choices=[]
    )

    def __init__(self, *args, people=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(str(user.pk), user.display_name) for user in people]


class ExerciseForm(forms.Form):
    title = forms.CharField(max_length=160)
    pathway = forms.CharField(max_length=160, help_text="The care pathway, e.g. “Stroke”.")
    benefit_unit = forms.CharField(max_length=60, initial="QALYs", help_text="QALYs, or another stated unit.")


class InterventionForm(forms.ModelForm):
    class Meta:
        model = Intervention
        fields = [
            "name",
            "annual_spend",
            "people_reached",
            "benefit_per_person",
            "benefit_low",
            "benefit_high",
            "source",
        ]
        labels = {
            "annual_spend": "Annual spend (£)",
            "people_reached": "People reached per year",
            "benefit_low": "Benefit per person: low estimate",
            "benefit_high": "Benefit per person: high estimate",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people_reached"].widget.attrs.pop("min", None)
        self.fields["annual_spend"].widget.attrs.pop("min", None)

    def clean_annual_spend(self):
        spend = self.cleaned_data["annual_spend"]
        if spend < 0:
            raise forms.ValidationError("Annual spend cannot be negative.")
        return spend

    def clean_people_reached(self):
        people = self.cleaned_data["people_reached"]
        if people <= 0:
            raise forms.ValidationError("People reached must be at least 1.")
        return people

    def clean(self):
        data = super().clean()
        low, high, mid = data.get("benefit_low"), data.get("benefit_high"), data.get("benefit_per_person")
        if low is not None and high is not None and low > high:
            self.add_error("benefit_low", "The low estimate must not be above the high estimate.")
        elif None not in (low, high, mid) and not low <= mid <= high:
            self.add_error("benefit_per_person", "The benefit per person must lie between the low and high estimates.")
        return data


class ProposalForm(forms.ModelForm):
    class Meta:
        model = ResourceShift
        fields = [
            "from_intervention",
            "to_intervention",
            "amount",
            "expected_benefit_change",
            "rationale",
            "priorities",
            "writeups",
        ]
        labels = {"amount": "Amount to move (£ a year)", "expected_benefit_change": "Expected change in benefit"}
        widgets = {
            "priorities": forms.CheckboxSelectMultiple,
            "writeups": forms.CheckboxSelectMultiple,
            "rationale": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, exercise, priorities, writeups, **kwargs):
        super().__init__(*args, **kwargs)
        interventions = exercise.interventions.all()
        self.fields["from_intervention"].queryset = interventions
        self.fields["to_intervention"].queryset = interventions
        self.fields["priorities"].queryset = priorities
        self.fields["writeups"].queryset = writeups
        self.fields["priorities"].required = False
        self.fields["writeups"].required = False

    def clean(self):
        data = super().clean()
        source, target, amount = data.get("from_intervention"), data.get("to_intervention"), data.get("amount")
        if source and target and source == target:
            self.add_error("to_intervention", "Choose a different intervention to move the money to.")
        if amount is not None and amount <= 0:
            self.add_error("amount", "The amount must be more than £0.")
        elif source and amount is not None and amount > source.annual_spend:
            self.add_error(
                "amount", f"The amount cannot be more than {source.name}'s annual spend (£{source.annual_spend:,.0f})."
            )
        return data


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=ResourceShift.Status.choices)


class SelfAssessmentForm(forms.Form):
    """One set of radios (a fieldset with its legend) per domain of the framework, levels 1–5."""

    def __init__(self, *args, domains: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for domain in domains:
            message = f"Choose a level from 1 to 5 for {domain['name']}."
            self.fields[domain["key"]] = forms.TypedChoiceField(
                label=domain["name"],
                help_text=domain.get("description", ""),
                choices=[(n, f"{n}: {text}") for n, text in enumerate(domain["levels"], start=1)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": message, "invalid_choice": message},
            )


class NominateForm(forms.Form):
    nominee_email = forms.EmailField(
        label="Their email address", help_text="The email address they use on Boost.", max_length=254
    )
    statement = forms.CharField(
        label="Why are you nominating them? (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    manager_email = forms.EmailField(
        label="Their line manager's email address (optional)",
        required=False,
        max_length=254,
        help_text="We email the manager a link to confirm the protected time. It works once and expires.",
    )
    days_per_month = forms.DecimalField(
        label="Protected days a month (optional)",
        required=False,
        min_value=0.1,
        max_value=20,
        decimal_places=1,
        help_text="For example 1 or 1.5. Needed when you give a line manager.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


class ManagerRequestForm(forms.Form):
    manager_email = forms.EmailField(label="Your line manager's email address", max_length=254)
    days_per_month = forms.DecimalField(
        label="Protected days a month",
        min_value=0.1,
        max_value=20,
        decimal_places=1,
        help_text="For example 1 or 1.5.",
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )

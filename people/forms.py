"""Forms for expertise and the people finder (plain forms: they work without JavaScript)."""

from __future__ import annotations

from django import forms

from boost.forms import BoostForm
from boost.models import CareArea
from people.models import Region
from people.offers import MAX_OFFER_CHARS, SAFE_SUBSET, OfferRefused, clean_offer
from projects.models import Method


class ExpertiseForm(BoostForm):
    methods = forms.ModelMultipleChoiceField(
        queryset=Method.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Improvement methods you have used",
    )
    care_areas = forms.ModelMultipleChoiceField(
        queryset=CareArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Care areas you have worked in",
    )
    region = forms.ChoiceField(choices=[("", "Not saying"), *Region.choices], required=False, label="Your region")
    open_to_visits = forms.BooleanField(required=False, label="I am open to visits from other teams")
    open_to_calls = forms.BooleanField(required=False, label="I am happy to take calls from other teams")
    offer_1 = forms.CharField(
        required=False,
        max_length=MAX_OFFER_CHARS,
        label="I can help with",
        help_text=(
            f"In your own words, e.g. “happy to talk anyone through a zero-day tracking list”. Use {SAFE_SUBSET}."
        ),
    )
    offer_2 = forms.CharField(required=False, max_length=MAX_OFFER_CHARS, label="I can also help with")
    offer_3 = forms.CharField(required=False, max_length=MAX_OFFER_CHARS, label="And with")

    def _offer(self, name: str) -> str:
        text = self.cleaned_data.get(name, "")
        if text:
            try:
                clean_offer(text)
            except OfferRefused as error:
                raise forms.ValidationError(error.message) from None
        return text

    def clean_offer_1(self) -> str:
        return self._offer("offer_1")

    def clean_offer_2(self) -> str:
        return self._offer("offer_2")

    def clean_offer_3(self) -> str:
        return self._offer("offer_3")


class FinderForm(forms.Form):
    name = forms.CharField(required=False, max_length=80, label="Name")
    method = forms.ModelChoiceField(
        queryset=Method.objects.all(), required=False, to_field_name="slug", empty_label="Any method", label="Method"
    )
    care_area = forms.ModelChoiceField(
        queryset=CareArea.objects.all(),
        required=False,
        to_field_name="slug",
        empty_label="Any care area",
        label="Care area",
    )
    organisation = forms.CharField(required=False, max_length=120, label="Organisation")
    region = forms.ChoiceField(choices=[("", "Any region"), *Region.choices], required=False, label="Region")
    open_to = forms.ChoiceField(
        choices=[("", "Anyone"), ("visits", "Open to visits"), ("calls", "Open to calls")],
        required=False,
        label="Open to",
    )


class VisitOfferForm(BoostForm):
    date = forms.DateField(
        label="Date",
        help_text="For example, 27 3 2027 or 2027-03-27.",
        input_formats=["%Y-%m-%d", "%d/%m/%Y", "%d %m %Y"],
    )
    start = forms.TimeField(label="Starts at", help_text="24-hour clock, for example 10:00.")
    end = forms.TimeField(label="Ends at", help_text="24-hour clock, for example 12:30.")
    capacity = forms.IntegerField(label="How many visitors can come", min_value=1, max_value=50)
    where = forms.CharField(max_length=300, label="Where", help_text="The address and where to go on arrival.")
    what = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 4}), label="What visitors will see")
    who = forms.CharField(max_length=120, label="Who to ask for")


class VisitRequestForm(BoostForm):
    hoping_to_learn = forms.CharField(
        max_length=1000, widget=forms.Textarea(attrs={"rows": 4}), label="What do you hope to learn?"
    )

"""Forms for the community pages: they validate input and hand clean values to the services."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django import forms

from boost.forms import BoostForm
from boost.models import CareArea
from communities.models import Access, Event

TIMEZONES = [
    ("Europe/London", "UK time (London)"),
    ("Europe/Dublin", "Ireland (Dublin)"),
    ("UTC", "UTC"),
    ("Europe/Paris", "Central European time (Paris)"),
    ("America/New_York", "US Eastern time (New York)"),
    ("Asia/Kolkata", "India (Kolkata)"),
    ("Australia/Sydney", "Australia Eastern time (Sydney)"),
]


class JoinRequestForm(BoostForm):
    message = forms.CharField(
        label="Message to the facilitators (optional)",
        help_text="Say a little about your work and why you would like to join.",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DeclineForm(BoostForm):
    reason = forms.CharField(
        label="Reason (optional, sent to the person)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InviteForm(BoostForm):
    email = forms.EmailField(
        label="Email address",
        help_text="They get a link that works once and expires in 14 days. They can create an account with it.",
        error_messages={"required": "Enter an email address", "invalid": "Enter an email address, like name@nhs.net"},
    )


class ProposalForm(BoostForm):
    name = forms.CharField(label="Name of the community", max_length=120, error_messages={"required": "Enter a name"})
    purpose = forms.CharField(
        label="Purpose",
        help_text="What the community is for, and who it is for.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the purpose of the community"},
    )
    learning_question = forms.CharField(
        label="Learning question (optional)",
        help_text="The question the members want to answer together.",
        max_length=300,
        required=False,
    )
    care_area = forms.ModelChoiceField(
        label="Care area (optional)", queryset=CareArea.objects.all(), required=False, empty_label="Choose a care area"
    )
    access = forms.ChoiceField(
        label="Who can join", choices=Access.choices, widget=forms.RadioSelect, initial=Access.OPEN
    )
    is_private = forms.BooleanField(
        label="Private: only members see its discussions, members and events", required=False
    )
    proposed_facilitators = forms.CharField(
        label="Other facilitators (optional)",
        help_text="Email addresses of Boost members who will facilitate with you, one per line.",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ProposalDeclineForm(BoostForm):
    reason = forms.CharField(
        label="Reason for declining",
        help_text="Sent to the proposer.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter a reason for declining"},
    )


class EventForm(BoostForm):
    """Dates and times are entered in the chosen time zone and stored in UTC."""

    title = forms.CharField(label="Title", max_length=160, error_messages={"required": "Enter a title"})
    kind = forms.ChoiceField(label="Type of event", choices=Event.Kind.choices, widget=forms.RadioSelect)
    description = forms.CharField(
        label="Description (optional)", max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    date = forms.DateField(
        label="Date",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": "Enter a date"},
    )
    start_time = forms.TimeField(
        label="Start time",
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": "Enter a start time"},
    )
    end_time = forms.TimeField(
        label="End time",
        widget=forms.TimeInput(attrs={"type": "time"}),
        error_messages={"required": "Enter an end time"},
    )
    timezone = forms.ChoiceField(label="Time zone", choices=TIMEZONES, initial="Europe/London")
    online_url = forms.URLField(label="Online joining link (optional)", required=False, assume_scheme="https")
    venue = forms.CharField(label="Venue (optional)", max_length=300, required=False)
    capacity = forms.IntegerField(
        label="Places (optional)",
        help_text="Leave empty for no limit.",
        min_value=1,
        max_value=100_000,
        required=False,
    )

    def clean_title(self) -> str:
        title = self.cleaned_data["title"]
        if "\n" in title or "\r" in title:
            # A title is one line everywhere it is shown: page headings, emails, calendar apps.
            raise forms.ValidationError("Enter a title on one line, without line breaks")
        return title

    def clean(self):
        data = super().clean()
        date, start, end, zone = data.get("date"), data.get("start_time"), data.get("end_time"), data.get("timezone")
        if date and start and end and zone:
            tz = ZoneInfo(zone)
            data["starts_at"] = datetime.combine(date, start, tzinfo=tz)
            data["ends_at"] = datetime.combine(date, end, tzinfo=tz)
            if data["ends_at"] <= data["starts_at"]:
                self.add_error("end_time", "The end time must be after the start time")
        if not data.get("online_url") and not data.get("venue"):
            self.add_error("venue", "Enter a venue or an online joining link")
        return data

    @classmethod
    def initial_for(cls, event: Event) -> dict:
        local_start, local_end = event.local_starts_at, event.local_ends_at
        return {
            "title": event.title,
            "kind": event.kind,
            "description": event.description,
            "date": local_start.date(),
            "start_time": local_start.time().replace(tzinfo=None),
            "end_time": local_end.time().replace(tzinfo=None),
            "timezone": event.timezone,
            "online_url": event.online_url,
            "venue": event.venue,
            "capacity": event.capacity,
        }

    def event_values(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "kind": data["kind"],
            "description": data["description"],
            "starts_at": data["starts_at"],
            "ends_at": data["ends_at"],
            "timezone": data["timezone"],
            "online_url": data["online_url"],
            "venue": data["venue"],
            "capacity": data["capacity"],
        }


class CancelEventForm(BoostForm):
    reason = forms.CharField(
        label="Message to people who said they are going (optional)",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

"""Forms for the no-JavaScript paths. They only shape input; the services decide."""

from __future__ import annotations

import uuid

from django import forms

from boost.forms import BoostForm, IdField
from discussions.models import EmailFrequency, MessagesFrom

MARKDOWN_HINT = (
    "You can use markdown: **bold**, *italic*, [a link](https://…), lists and `code`. "
    "Mention someone with @[their name]."
)


def new_client_id() -> str:
    return uuid.uuid4().hex


def message_body(label: str, *, rows: int, required: str = "Write a message.") -> forms.CharField:
    """A markdown message box; not stripped, because leading spaces can be markdown (code, lists)."""
    return forms.CharField(
        label=label,
        help_text=MARKDOWN_HINT,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": required},
        strip=False,
    )


class MessageForm(BoostForm):
    body = message_body("Your message", rows=4)
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)
    reply_to = IdField(widget=forms.HiddenInput, required=False)


class EditMessageForm(BoostForm):
    body = message_body("Your message", rows=6)


class ThreadForm(BoostForm):
    title = forms.CharField(label="Title", max_length=160, error_messages={"required": "Give the discussion a title."})
    body = message_body("Your first message", rows=6)
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)


class QuestionForm(ThreadForm):
    title = forms.CharField(
        label="Your question, in a sentence", max_length=160, error_messages={"required": "Write your question."}
    )
    body = message_body("More detail", rows=4, required="Add some detail to your question.")


class FlagForm(BoostForm):
    reason = forms.CharField(
        label="What is the problem with this message?",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class HideForm(BoostForm):
    reason = forms.CharField(label="Reason (kept in the moderation log)", max_length=300, required=False)


class NotificationSettingsForm(BoostForm):
    email_frequency = forms.ChoiceField(
        label="How often should Boost email you about discussions?",
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
    )
    messages_from = forms.ChoiceField(
        label="Who may send you private messages?",
        help_text="People you already have a conversation with can still reply in it, unless you block them.",
        choices=MessagesFrom.choices,
        widget=forms.RadioSelect,
        required=False,  # not sent: the choice stays as it was
    )


def _delivery_fields() -> dict[str, forms.Field]:
    from discussions.delivery import CHOOSABLE, Delivery

    return {
        f"delivery_{kind}": forms.ChoiceField(
            label=label, choices=Delivery.choices, widget=forms.RadioSelect, required=False
        )
        for kind, label in CHOOSABLE.items()
    }


NotificationSettingsForm.base_fields.update(_delivery_fields())


class ConversationForm(BoostForm):
    """The first message of a private conversation (``to``: one or a few people's ids)."""

    body = message_body("Your message", rows=5)
    client_id = forms.CharField(widget=forms.HiddenInput, max_length=64)


class PeoplePickerForm(BoostForm):
    """Choosing people for a conversation without JavaScript: a GET search by name or organisation
    whose results (only people the sender may see and message) are checkboxes to add."""

    q = forms.CharField(
        label="Find people by name or organisation",
        max_length=100,
        required=False,
        help_text="Only people who show you their profile and accept messages from you are listed.",
    )
    add = forms.TypedMultipleChoiceField(
        label="Choose people to add",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose people from the list of results."},
    )

    def __init__(self, *args, candidates=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["add"].choices = [(person.pk, candidate_label(person)) for person in candidates]


def candidate_label(person) -> str:
    """A result's label: the name, and the organisation where its owner shows it."""
    profile = person.profile
    if profile.show_organisation and profile.organisation:
        return f"{person.display_name}, {profile.organisation}"
    return person.display_name


class BlockForm(BoostForm):
    person = IdField(widget=forms.HiddenInput)


class PremoderationForm(BoostForm):
    first_messages = forms.IntegerField(
        label="Hold a person's first messages for approval",
        help_text="How many of a newcomer's first messages a facilitator approves before others see them (0 = off).",
        min_value=0,
        max_value=20,
    )

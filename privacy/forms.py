"""Forms for the data-rights pages."""

from __future__ import annotations

from django import forms

from privacy.models import MessagesChoice


class CloseAccountForm(forms.Form):
    messages = forms.ChoiceField(
        label="What should happen to your discussion messages?",
        choices=MessagesChoice.choices,
        widget=forms.RadioSelect,
        initial=MessagesChoice.ANONYMISE,
        error_messages={"required": "Choose what happens to your messages"},
    )
    confirm = forms.BooleanField(
        label="I understand that after the waiting period my account and profile are erased and cannot be brought back",
        error_messages={"required": "Confirm that you understand your account will be erased"},
    )


class AdminDataRequestForm(forms.Form):
    """An administrator answering a subject-access or erasure request received by email."""

    ACTIONS = [
        ("export", "Prepare a copy of their data (subject-access request)"),
        ("close", "Close their account after the waiting period (erasure request)"),
        ("erase", "Erase their account now (erasure request that asks for it straight away)"),
    ]

    email = forms.EmailField(label="The person's email address on Boost")
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.RadioSelect, label="What did they ask for?")
    messages = forms.ChoiceField(
        label="For an erasure: what happens to their messages?",
        choices=MessagesChoice.choices,
        widget=forms.RadioSelect,
        initial=MessagesChoice.ANONYMISE,
    )

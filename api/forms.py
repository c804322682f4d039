from django import forms

from boost.forms import BoostForm


class TokenForm(BoostForm):
    name = forms.CharField(
        label="What is this token for?",
        help_text="For example: 'Monthly board pack script'. Only you see it.",
        max_length=80,
    )
    days = forms.TypedChoiceField(
        label="How long should it work?",
        choices=[("30", "30 days"), ("90", "90 days"), ("365", "A year"), ("", "Until I revoke it")],
        coerce=int,
        empty_value=None,
        required=False,
        initial="90",
        widget=forms.RadioSelect,
    )

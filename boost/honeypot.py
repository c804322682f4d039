"""A honeypot field for the forms a spam robot can reach: costs real people nothing.

Robots that post forms fill in every text box they find; people never see this one. It is hidden
from everyone who uses the page as designed: visually (the design system's visually-hidden
class, not ``display: none``, which robots learn to skip), from screen readers (``aria-hidden``
on its container) and from the keyboard (``tabindex="-1"``), and browsers are asked not to
autofill it (``autocomplete="off"``, a name no autofill profile uses). A form whose honeypot
comes back filled is invalid with a plain message, so nothing is stored or sent.
"""

from __future__ import annotations

from django import forms

HONEYPOT_FIELD = "website"
HONEYPOT_MESSAGE = (
    "This form could not be sent because a box hidden from people was filled in, which robots do. "
    "If you used a form-filling tool, send the form again without it."
)


class HoneypotInput(forms.TextInput):
    """A text input rendered inside a container hidden from sight, screen readers and keyboard."""

    template_name = "forms/honeypot.html"
    # Rendered with the form's hidden fields (no label row, no NHS.UK form group around it).
    is_hidden = True

    def __init__(self, attrs=None):
        super().__init__({"tabindex": "-1", "autocomplete": "off", **(attrs or {})})

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        # Its error is shown in the error summary alone (the box is hidden), so nothing may point
        # at an error message beside it; and the NHS.UK error styling is for boxes people can see.
        context["widget"]["attrs"].pop("aria-describedby", None)
        context["widget"]["attrs"]["class"] = "nhsuk-input"
        return context


class HoneypotField(forms.CharField):
    """Must stay empty; anything in it makes the form invalid."""

    widget = HoneypotInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Leave this box empty")
        # Not stripped: a robot's single space is still a filled box.
        kwargs.setdefault("strip", False)
        super().__init__(**kwargs)

    def validate(self, value) -> None:
        super().validate(value)
        if value:
            raise forms.ValidationError(HONEYPOT_MESSAGE, code="honeypot")


class HoneypotMixin:
    """Give a form the honeypot field (for forms whose fields are declared elsewhere, like allauth's)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = HoneypotField()

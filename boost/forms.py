"""NHS.UK design-system rendering for every Django form on the site.

The renderer swaps in NHS.UK form and field templates, and its bound field adds the design
system's classes and links each input to its hint and error message with
``aria-describedby``, so allauth's forms and ours look and read the same without each
template repeating the markup.
"""

from __future__ import annotations

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting
from django.forms.widgets import Input

from boost.converters import MAX_ID
from boost.text import text_problem

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str, str]] = [
    # Order matters: subclasses before their bases.
    (forms.CheckboxSelectMultiple, "nhsuk-checkboxes__input", ""),
    (forms.RadioSelect, "nhsuk-radios__input", ""),
    (forms.CheckboxInput, "nhsuk-checkboxes__input", ""),
    (forms.ClearableFileInput, "nhsuk-file-upload", "nhsuk-file-upload--error"),
    (forms.FileInput, "nhsuk-file-upload", "nhsuk-file-upload--error"),
    (forms.Textarea, "nhsuk-textarea", "nhsuk-textarea--error"),
    (forms.Select, "nhsuk-select", "nhsuk-select--error"),
    (Input, "nhsuk-input", "nhsuk-input--error"),
]


def widget_classes(widget: forms.Widget, *, has_errors: bool) -> str:
    """Return the NHS.UK classes for ``widget`` (with the error modifier when invalid)."""
    for widget_type, base, error in _WIDGET_CLASSES:
        if isinstance(widget, widget_type):
            return f"{base} {error}".strip() if has_errors and error else base
    return ""


class NHSUKBoundField(BoundField):
    """A bound field that renders NHS.UK classes and accessible descriptions."""

    @property
    def error_id(self) -> str:
        # Django's own id for a field's error message (it adds it to aria-describedby itself).
        return f"{self.auto_id}_error"

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}_helptext"

    @property
    def is_choice_group(self) -> bool:
        return isinstance(self.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)

    @property
    def is_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)

    def build_widget_attrs(self, attrs, widget=None):
        widget = widget or self.field.widget
        attrs = super().build_widget_attrs(attrs, widget)
        if widget.is_hidden:
            # HTML forbids aria-* on a hidden input; its error shows in the form's error summary.
            return attrs
        existing = attrs.get("class", widget.attrs.get("class", ""))
        css = widget_classes(widget, has_errors=bool(self.errors))
        if css and css not in existing:
            attrs["class"] = f"{existing} {css}".strip()
        described = [part for part in attrs.get("aria-describedby", "").split() if part]
        if self.help_text and self.hint_id not in described and not self.is_choice_group:
            described.append(self.hint_id)
        if self.errors and not self.is_choice_group:
            described.append(self.error_id)
        if described:
            attrs["aria-describedby"] = " ".join(dict.fromkeys(described))
        return attrs


class NHSUKFormRenderer(TemplatesSetting):
    """Render forms with the project's NHS.UK templates (see ``templates/forms/``)."""

    form_template_name = "forms/nhsuk_form.html"
    field_template_name = "forms/nhsuk_field.html"
    bound_field_class = NHSUKBoundField


class StorableTextMixin:
    """Refuse characters that cannot be stored in any text a form cleans (see ``boost.text``).

    Every Boost form mixes this in (``BoostForm``, ``BoostModelForm``), so the rule lives in one
    place: after the fields are cleaned, each string (or list of strings) they produced is checked
    and a bad one becomes that field's error, before the form's own ``clean()`` sees it. Django's
    own validator already refuses NUL in a ``CharField``; this adds lone surrogates (which reach a
    form through JSON or a test client, not a browser's form encoding) and fields that are not
    ``CharField``s.
    """

    def _clean_fields(self) -> None:
        super()._clean_fields()
        for name, value in list(self.cleaned_data.items()):
            values = value if isinstance(value, list | tuple) else [value]
            for item in values:
                if isinstance(item, str) and (message := text_problem(item)):
                    self.add_error(name, message)
                    break


class IdField(forms.IntegerField):
    """A database id sent in a form (a hidden "reply to", say): 1 to 2⁶³−1, like the ``id`` URL
    converter, so a bigger number is a form error rather than an overflow in the database."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)


class BoostForm(StorableTextMixin, forms.Form):
    """The base of every plain form on the site."""


class BoostModelForm(StorableTextMixin, forms.ModelForm):
    """The base of every model form on the site."""

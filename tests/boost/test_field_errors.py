"""Each field's own error message is shown beside it, and the field points at it.

The NHS.UK pattern puts the message between the label (or legend) and the control, and the
control's ``aria-describedby`` names the message, so a screen reader hears why the value was
refused when it reaches the field, not only in the error summary at the top.
"""

from __future__ import annotations

from bs4 import BeautifulSoup
from django import forms

from boost.forms import BoostForm


class ExampleForm(BoostForm):
    name = forms.CharField(help_text="As you would like it shown")
    colour = forms.ChoiceField(choices=[("red", "Red"), ("blue", "Blue")], widget=forms.RadioSelect)
    agree = forms.BooleanField()


def rendered(data: dict) -> BeautifulSoup:
    form = ExampleForm(data=data)
    form.is_valid()
    return BeautifulSoup(form.as_div(), "html.parser")


def test_a_refused_text_field_shows_its_message_and_points_at_it():
    soup = rendered({"colour": "red", "agree": "on"})
    box = soup.find("input", {"name": "name"})
    message = soup.find(id="id_name_error")
    assert message is not None and "This field is required." in message.get_text()
    assert box["aria-describedby"].split() == ["id_name_helptext", "id_name_error"]
    assert "nhsuk-form-group--error" in box.find_parent("div", class_="nhsuk-form-group")["class"]


def test_a_refused_choice_group_and_checkbox_show_their_messages():
    soup = rendered({"name": "Ada"})
    fieldset = soup.find("fieldset")
    assert fieldset["aria-describedby"] == "id_colour_error"
    assert "This field is required." in soup.find(id="id_colour_error").get_text()
    assert "This field is required." in soup.find(id="id_agree_error").get_text()


def test_every_described_id_exists_and_a_valid_form_shows_no_message():
    soup = rendered({})
    ids = {tag["id"] for tag in soup.find_all(id=True)}
    for tag in soup.find_all(attrs={"aria-describedby": True}):
        assert set(tag["aria-describedby"].split()) <= ids, tag
    clean = rendered({"name": "Ada", "colour": "red", "agree": "on"})
    assert not clean.select(".nhsuk-error-message")
    assert not clean.select(".nhsuk-form-group--error")

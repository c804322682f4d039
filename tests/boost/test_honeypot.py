"""The honeypot on sign-up, password reset and contacting a team: robots are refused, people never meet it."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import User
from boost.honeypot import HONEYPOT_MESSAGE
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db

VNU = Path(__file__).resolve().parents[2] / ".local" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
SIGNUP = {"email": "new.person@nhs.net", "password1": "a-long-Pass-phrase-42", "password2": "a-long-Pass-phrase-42"}


def honeypot_markup(html: str) -> str:
    match = re.search(r'<div class="nhsuk-u-visually-hidden" aria-hidden="true">(.*?)</div>', html, re.S)
    assert match, "no honeypot on the page"
    return match.group(1)


@pytest.mark.parametrize("url", ["/accounts/signup/", "/accounts/password/reset/"])
def test_the_box_is_hidden_from_sight_screen_readers_and_keyboard(client, url):
    markup = honeypot_markup(client.get(url).content.decode())
    [field] = re.findall(r"<input[^>]*>", markup)
    assert 'name="website"' in field and 'tabindex="-1"' in field and 'autocomplete="off"' in field
    assert "required" not in field and "aria-describedby" not in field
    field_id = re.search(r'id="([^"]+)"', field).group(1)
    assert f'<label for="{field_id}">' in markup


def test_signup_with_the_box_filled_is_refused_and_creates_nothing(client, mailoutbox):
    response = client.post("/accounts/signup/", {**SIGNUP, "website": "http://spam.example"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page and HONEYPOT_MESSAGE.split(" which")[0] in page
    assert not User.objects.filter(email=SIGNUP["email"]).exists() and not mailoutbox
    # Even the error page keeps the box hidden and its error out of the field's description.
    assert "aria-describedby" not in honeypot_markup(page)


def test_signup_with_the_box_empty_works(client, mailoutbox):
    response = client.post("/accounts/signup/", {**SIGNUP, "website": ""})
    assert response.status_code == 302
    assert User.objects.filter(email=SIGNUP["email"]).exists() and len(mailoutbox) == 1


def test_password_reset_with_the_box_filled_sends_nothing(client, member, mailoutbox):
    response = client.post("/accounts/password/reset/", {"email": member.email, "website": "x"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not mailoutbox
    assert client.post("/accounts/password/reset/", {"email": member.email}).status_code == 302
    assert len(mailoutbox) == 1


def test_contacting_a_team_with_the_box_filled_sends_nothing(client, member, other_member, mailoutbox):
    project = make_project(member)
    client.force_login(other_member)
    url = reverse("projects:contact", args=[project.pk])
    response = client.post(url, {"message": "Buy now", "website": " "})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not mailoutbox
    assert client.post(url, {"message": "How did you staff it?"}).status_code == 302
    assert len(mailoutbox) == 1


def test_the_pages_with_the_box_and_the_429_page_are_valid_html(client, member, other_member, tmp_path, settings):
    if shutil.which("java") is None or not VNU.exists():
        pytest.skip("Nu HTML checker not available (needs Java and .local/vnu from ./bin/boost setup)")
    project = make_project(member)
    pages = {
        "signup": client.get("/accounts/signup/"),
        "signup-error": client.post("/accounts/signup/", {**SIGNUP, "website": "x"}),
        "reset": client.get("/accounts/password/reset/"),
    }
    client.force_login(other_member)
    contact = reverse("projects:contact", args=[project.pk])
    pages["contact"] = client.get(contact)
    pages["contact-error"] = client.post(contact, {"message": "Hi", "website": "x"})
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "contact_team": "1/h"}
    client.post(contact, {"message": "A first question"})
    pages["too-many"] = client.post(contact, {"message": "A second question"})
    files = []
    for name, response in pages.items():
        assert response.status_code == (429 if name == "too-many" else 200), name
        path = tmp_path / f"{name}.html"
        path.write_text(response.content.decode())
        files.append(str(path))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    assert not messages, [(m.get("url"), m.get("message")) for m in messages]

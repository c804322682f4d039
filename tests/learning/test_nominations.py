"""Nominations and the line manager's signed, single-use, expiring confirmation link."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail, signing
from django.urls import reverse
from django.utils import timezone

from learning import cohort_services, nominations
from learning.models import Application, ManagerConfirmation
from learning.services import LearningError
from tests.factories.accounts import UserFactory
from tests.factories.learning import make_cohort, make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(leader):
    programme = make_programme("Stewardship", leads=[leader])
    return make_cohort(programme, leader, "Spring 2027", capacity=2, starts_in=20, closes_in=10, runs_for=180)


def _nominate(client, cohort, **data):
    return client.post(reverse("learning:nominate", args=[cohort.pk]), data)


def _link_path(confirmation):
    return reverse("learning:manager_confirm", args=[nominations.link_token(confirmation)])


def test_nomination_creates_application_and_emails_manager_a_link(
    client, member, other_member, cohort, django_capture_on_commit_callbacks
):
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = _nominate(
            client, cohort, nominee_email=other_member.email, manager_email="boss@nhs.net", days_per_month="1.5"
        )
    assert response.status_code == 302
    application = Application.objects.get(cohort=cohort, user=other_member)
    assert application.nominated_by == member
    confirmation = application.manager_confirmations.get()
    assert confirmation.days_per_month == 1.5 and confirmation.manager_email == "boss@nhs.net"
    to_manager = next(m for m in mail.outbox if m.to == ["boss@nhs.net"])
    assert _link_path(confirmation) in to_manager.body
    assert any(m.to == [other_member.email] for m in mail.outbox)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nominee_email": "nobody@example.org"}, "No Boost member has that email address"),
        ({"nominee_email": "SELF"}, "apply on the cohort"),
        ({"nominee_email": "OTHER", "manager_email": "boss@nhs.net"}, "how many days a month"),
        ({"nominee_email": "OTHER", "days_per_month": "2"}, "line manager&#x27;s email address"),
        ({"nominee_email": "OTHER", "manager_email": "OTHER", "days_per_month": "2"}, "someone other than"),
        ({"nominee_email": "OTHER", "manager_email": "boss@nhs.net", "days_per_month": "-1"}, "greater than or equal"),
    ],
)
def test_bad_nomination_is_refused_clearly_and_saves_nothing(client, member, other_member, cohort, data, message):
    data = {k: {"SELF": member.email, "OTHER": other_member.email}.get(v, v) for k, v in data.items()}
    client.force_login(member)
    response = _nominate(client, cohort, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Application.objects.exists() and not ManagerConfirmation.objects.exists()


def test_nominating_twice_or_into_a_full_cohort_is_refused(member, other_member, leader, cohort):
    nominations.nominate(nominator=member, cohort=cohort, nominee_email=other_member.email)
    with pytest.raises(LearningError, match="already applied to or been nominated"):
        nominations.nominate(nominator=leader, cohort=cohort, nominee_email=other_member.email)
    for person in UserFactory.create_batch(2):
        application = cohort_services.apply(user=person, cohort=cohort)
        cohort_services.decide(actor=leader, application=application, state=Application.State.ACCEPTED)
    with pytest.raises(LearningError, match="is full"):
        nominations.nominate(nominator=member, cohort=cohort, nominee_email=UserFactory().email)


@pytest.fixture
def confirmation(member, other_member, cohort):
    application = nominations.nominate(
        nominator=member,
        cohort=cohort,
        nominee_email=other_member.email,
        manager_email="boss@nhs.net",
        days_per_month="2",
    )
    return application.manager_confirmations.get()


def test_opening_the_link_changes_nothing_and_answering_uses_it_once(client, confirmation):
    path = _link_path(confirmation)
    page = client.get(path)
    assert page.status_code == 200 and "2.0 days a month" in page.content.decode()
    assert page["Referrer-Policy"] == "same-origin"
    confirmation.refresh_from_db()
    assert confirmation.responded_at is None

    response = client.post(path, {"decision": "confirmed"})
    assert response.status_code == 200 and "This link no longer works" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.decision == "confirmed" and confirmation.responded_at is not None

    reused = client.post(path, {"decision": "declined"})
    assert reused.status_code == 409
    assert "already been used" in reused.content.decode() and "confirmed by the manager" in reused.content.decode()
    assert client.get(path).status_code == 409
    confirmation.refresh_from_db()
    assert confirmation.decision == "confirmed"


def test_tampered_link_is_refused_and_changes_nothing(client, confirmation):
    token = nominations.link_token(confirmation)
    forged = signing.dumps({"n": "00000000-0000-0000-0000-000000000000"}, salt="another-salt")
    for bad in (token[:-2] + ("aa" if not token.endswith("aa") else "bb"), forged, "not-a-token"):
        response = client.post(reverse("learning:manager_confirm", args=[bad]), {"decision": "confirmed"})
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.responded_at is None


def test_expired_link_is_refused_with_its_date(client, confirmation):
    confirmation.expires_at = timezone.now() - timedelta(minutes=1)
    confirmation.save()
    response = client.post(_link_path(confirmation), {"decision": "confirmed"})
    assert response.status_code == 410
    assert "This link expired on" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.responded_at is None


def test_missing_decision_is_an_error_on_the_page(client, confirmation):
    response = client.post(_link_path(confirmation), {})
    assert response.status_code == 400 and "Choose whether you confirm or decline" in response.content.decode()
    confirmation.refresh_from_db()
    assert confirmation.responded_at is None


def test_applicant_asks_own_manager_once_while_waiting_and_lead_sees_answer(client, other_member, leader, confirmation):
    client.force_login(other_member)
    url = reverse("learning:ask_manager", args=[confirmation.application.cohort_id])
    response = client.post(url, {"manager_email": "new.boss@nhs.net", "days_per_month": "1"})
    assert response.status_code == 400 and "still waiting for an answer" in response.content.decode()
    nominations.answer_manager_link(token=nominations.link_token(confirmation), decision="declined")
    assert client.post(url, {"manager_email": "new.boss@nhs.net", "days_per_month": "1"}).status_code == 302
    assert ManagerConfirmation.objects.filter(manager_email="new.boss@nhs.net").exists()
    client.force_login(leader)
    page = client.get(reverse("learning:applications", args=[confirmation.application.cohort_id])).content.decode()
    assert "waiting for the manager" in page and "Nominated by" in page


def test_someone_else_cannot_ask_for_an_application(client, member, cohort):
    client.force_login(member)
    assert client.get(reverse("learning:ask_manager", args=[cohort.pk])).status_code == 404

"""Value improvement (STAR): interventions with validation, derived ranking, chart, proposals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from communities.models import Membership
from learning import value as services
from learning.models import Intervention, ResourceShift, ValueExercise
from learning.services import LearningError, NotVisible
from tests.factories.communities import add_member, make_community

pytestmark = pytest.mark.django_db

GOOD = {
    "intervention-name": "Early supported discharge",
    "intervention-annual_spend": "400000",
    "intervention-people_reached": "200",
    "intervention-benefit_per_person": "0.1",
    "intervention-benefit_low": "0.05",
    "intervention-benefit_high": "0.15",
    "intervention-source": "NICE NG236",
}


@pytest.fixture
def workspace(member):
    community = make_community("Stroke group", is_private=True, access="invite")
    add_member(member, community)
    return community


@pytest.fixture
def exercise(member, workspace):
    return services.create_exercise(
        actor=member, community=workspace, title="Stroke STAR", pathway="Stroke", benefit_unit="QALYs"
    )


def _add(exercise, member, name, spend, people, benefit, low=None, high=None):
    benefit = Decimal(benefit)
    return services.add_intervention(
        actor=member,
        exercise=exercise,
        name=name,
        annual_spend=Decimal(spend),
        people_reached=people,
        benefit_per_person=benefit,
        benefit_low=Decimal(low) if low is not None else benefit,
        benefit_high=Decimal(high) if high is not None else benefit,
        source="Audit",
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("annual_spend", "-1", "Annual spend cannot be negative."),
        ("people_reached", "0", "People reached must be at least 1."),
        ("benefit_low", "0.2", "The low estimate must not be above the high estimate."),
    ],
)
def test_bad_intervention_refused_with_message_and_nothing_saved(client, member, exercise, field, value, message):
    client.force_login(member)
    response = client.post(
        f"/learning/value/{exercise.pk}/", {**GOOD, f"intervention-{field}": value, "action": "intervention"}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Intervention.objects.exists()
    with pytest.raises(LearningError, match=message.rstrip(".")):
        services.add_intervention(
            actor=member,
            exercise=exercise,
            name="X",
            annual_spend=Decimal(-1 if field == "annual_spend" else 1),
            people_reached=0 if field == "people_reached" else 1,
            benefit_per_person=Decimal("0.1"),
            benefit_low=Decimal("0.2") if field == "benefit_low" else Decimal("0.1"),
            benefit_high=Decimal("0.1"),
            source="",
        )


def test_ranking_chart_table_and_summary(client, member, exercise):
    _add(exercise, member, "Thrombolysis", 500000, 100, "0.5")  # £10,000 per QALY
    _add(exercise, member, "Community rehab", 300000, 300, "0.2")  # £5,000 per QALY
    _add(exercise, member, "Extended inpatient stay", 1200000, 150, "0.1", "0.05", "0.2")  # £80,000
    ranked = services.ranking(list(exercise.interventions.all()))
    assert [r.intervention.name for r in ranked] == ["Community rehab", "Thrombolysis", "Extended inpatient stay"]
    assert ranked[0].cost_per_unit == Decimal(5000) and ranked[0].total_benefit == Decimal(60)
    client.force_login(member)
    html = client.get(f"/learning/value/{exercise.pk}/").content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html and 'role="img"' in html
    assert html.count("<circle") == 3
    assert "Best value: Community rehab at £5,000 per QALY" in html
    assert "£80,000" in html


def test_proposal_validation_and_status_by_facilitator_only(client, member, other_member, exercise, workspace):
    acute = _add(exercise, member, "Acute stroke unit beds", 2000000, 400, "0.1")
    rehab = _add(exercise, member, "Community rehab", 300000, 300, "0.2")
    client.force_login(member)
    too_much = {
        "action": "proposal",
        "proposal-from_intervention": acute.pk,
        "proposal-to_intervention": rehab.pk,
        "proposal-amount": "3000000",
        "proposal-expected_benefit_change": "12",
    }
    response = client.post(f"/learning/value/{exercise.pk}/", too_much)
    assert response.status_code == 400 and "cannot be more than Acute stroke unit beds" in response.content.decode()
    response = client.post(f"/learning/value/{exercise.pk}/", {**too_much, "proposal-amount": "250000"})
    assert response.status_code == 302
    shift = ResourceShift.objects.get()
    with pytest.raises(NotVisible):
        services.set_status(actor=member, shift=shift, status="agreed")
    Membership.objects.filter(user=member, community=workspace).update(role=Membership.Role.FACILITATOR)
    client.post(f"/learning/value/{exercise.pk}/", {"action": "status", "proposal": shift.pk, "status": "agreed"})
    shift.refresh_from_db()
    assert shift.status == "agreed"
    client.force_login(other_member)
    assert client.get(f"/learning/value/{exercise.pk}/").status_code == 404
    assert ValueExercise.objects.count() == 1


def test_priority_page_shows_proposals_to_its_leads_not_outsiders_and_no_extra_queries(
    client, member, other_member, exercise, django_assert_max_num_queries
):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from tests.factories.projects import make_priority

    priority = make_priority("Stroke care")
    client.force_login(other_member)
    assert client.get(priority.url).status_code == 200
    reset_queries()
    with CaptureQueriesContext(connection) as without:
        client.get(priority.url)
    # Read the count now: each request clears the query log the capture slices.
    without_proposals = len(without.captured_queries)
    assert without_proposals > 5
    acute = _add(exercise, member, "Acute stroke unit beds", 2000000, 400, "0.1")
    rehab = _add(exercise, member, "Community rehab", 300000, 300, "0.2")
    services.propose_shift(
        actor=member,
        exercise=exercise,
        priorities=[priority],
        from_intervention=acute,
        to_intervention=rehab,
        amount=Decimal("250000"),
        expected_benefit_change=Decimal("12"),
    )
    # Someone outside the private workspace: no section at all.
    page = client.get(priority.url).content.decode()
    assert "resource-shift proposals" not in page and "Community rehab" not in page
    # The priority's lead sees it, and a repeat render costs no more than a page without proposals.
    priority.leads.add(other_member)
    priority.save()
    page = client.get(priority.url).content.decode()
    assert "Value work: resource-shift proposals" in page and "Community rehab" in page and "£250,000" in page
    with django_assert_max_num_queries(without_proposals):
        client.get(priority.url)


def test_priority_reach_counts_only_the_proposals_the_viewer_may_see(client, member, other_member, exercise):
    from tests.factories.projects import make_priority

    priority = make_priority("Stroke care")
    acute = _add(exercise, member, "Acute stroke unit beds", 2000000, 400, "0.1")
    rehab = _add(exercise, member, "Community rehab", 300000, 300, "0.2")
    for amount in ("250000", "50000"):
        services.propose_shift(
            actor=member,
            exercise=exercise,
            priorities=[priority],
            from_intervention=acute,
            to_intervention=rehab,
            amount=Decimal(amount),
            expected_benefit_change=Decimal("12"),
        )
    # A member of the private workspace sees both, counted in Reach and linked to the section.
    client.force_login(member)
    page = client.get(priority.url).content.decode()
    assert "not recorded in Boost yet" not in page
    assert '<a href="#value-proposals">2 value-work proposals</a> serve this priority.' in page
    # An outsider sees neither the section nor a count that would betray the private workspace.
    client.force_login(other_member)
    page = client.get(priority.url).content.decode()
    assert "No value-work proposals serve this priority yet." in page
    assert "2 value-work proposals" not in page and "Community rehab" not in page
    # Signed out: the same.
    client.logout()
    assert "No value-work proposals serve this priority yet." in client.get(priority.url).content.decode()

"""The improvement-skills self-assessment: the learner's own before/after, and the lead's summary
that shows only aggregates, suppressed below the small-number threshold."""

from __future__ import annotations

import pytest
from django.urls import reverse

from analytics.suppression import THRESHOLD
from learning import assessment
from learning.models import SelfAssessment, SkillsFramework
from learning.services import LearningError
from tests.factories.accounts import UserFactory
from tests.factories.learning import make_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def framework():
    # The data migration seeds the default framework, published.
    return SkillsFramework.objects.get(name="Improvement skills framework", live=True)


@pytest.fixture
def programme(leader, framework):
    programme = make_programme("Stewardship", leads=[leader])
    programme.skills_framework = framework
    programme.save()
    return programme


def _url(programme, summary=False):
    return reverse("learning:self_assessment_summary" if summary else "learning:self_assessment", args=[programme.pk])


def _answers(framework, level):
    return {d["key"]: level for d in framework.domain_list()}


def test_default_framework_has_five_domains_with_five_described_levels(framework):
    domains = framework.domain_list()
    assert [d["key"] for d in domains] == ["system", "measurement", "pdsa", "people", "spread"]
    assert all(len(d["levels"]) == 5 and all(d["levels"]) for d in domains)


def test_form_is_fieldsets_of_radios_and_before_then_after_shows_own_change(client, member, programme, framework):
    client.force_login(member)
    page = client.get(_url(programme)).content.decode()
    assert page.count('<fieldset class="nhsuk-fieldset"') == 5
    assert "<legend" in page and "Measurement for improvement" in page and 'type="radio"' in page
    assert "Rate yourself before the programme" in page

    assert client.post(_url(programme), _answers(framework, 2)).status_code == 302
    page = client.get(_url(programme)).content.decode()
    assert "Rate yourself after the programme" in page
    assert client.post(_url(programme), {**_answers(framework, 4), "pdsa": 2}).status_code == 302

    page = client.get(_url(programme)).content.decode()
    assert "Your levels" in page and "up 2" in page and "no change" in page
    rows = assessment.own_change(framework, assessment.own_assessments(member, programme))
    assert {r.key: r.change for r in rows} == {"system": 2, "measurement": 2, "pdsa": 0, "people": 2, "spread": 2}


def test_missing_or_bad_level_is_a_clear_error_and_saves_nothing(client, member, programme, framework):
    client.force_login(member)
    answers = _answers(framework, 3)
    answers.pop("pdsa")
    answers["spread"] = "9"
    response = client.post(_url(programme), answers)
    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Choose a level from 1 to 5 for Testing changes (PDSA)." in page
    assert "Choose a level from 1 to 5 for Spreading and sustaining." in page
    assert not SelfAssessment.objects.exists()


def test_service_refuses_after_without_before_and_changing_before_once_after_exists(member, programme, framework):
    with pytest.raises(LearningError, match="before the programme first"):
        assessment.record_self_assessment(
            user=member, programme=programme, stage="after", levels=_answers(framework, 3)
        )
    assessment.record_self_assessment(user=member, programme=programme, stage="before", levels=_answers(framework, 1))
    assessment.record_self_assessment(user=member, programme=programme, stage="after", levels=_answers(framework, 3))
    with pytest.raises(LearningError, match="“before” is kept"):
        assessment.record_self_assessment(
            user=member, programme=programme, stage="before", levels=_answers(framework, 5)
        )
    assert SelfAssessment.objects.get(user=member, stage="before").levels["pdsa"] == 1


def test_unpublished_framework_is_refused_and_page_is_404(client, member, programme, framework):
    framework.live = False
    framework.save()
    with pytest.raises(LearningError, match="no published self-assessment"):
        assessment.record_self_assessment(
            user=member, programme=programme, stage="before", levels=_answers(framework, 3)
        )
    client.force_login(member)
    assert client.get(_url(programme)).status_code == 404


def _both(programme, framework, people, before=2, after=4):
    for person in people:
        assessment.record_self_assessment(
            user=person, programme=programme, stage="before", levels=_answers(framework, before)
        )
        assessment.record_self_assessment(
            user=person, programme=programme, stage="after", levels=_answers(framework, after)
        )


def test_lead_summary_is_suppressed_below_threshold_then_shows_medians_only(client, leader, programme, framework):
    people = UserFactory.create_batch(THRESHOLD)
    _both(programme, framework, people[:-1])
    client.force_login(leader)
    page = client.get(_url(programme, summary=True)).content.decode()
    assert "fewer than 5" in page and "Not shown: too few people" in page
    assert "Median before" in page and ">2<" not in page and ">4<" not in page

    _both(programme, framework, people[-1:], before=3, after=5)
    page = client.get(_url(programme, summary=True)).content.decode()
    assert "Not shown" not in page
    assert ">2<" in page and ">4<" in page and "up 2" in page
    # Never one person's answers: no learner's name appears.
    assert all(person.display_name not in page for person in people)


def test_summary_is_for_leads_only_and_own_page_never_shows_others(client, member, other_member, programme, framework):
    _both(programme, framework, [other_member], before=1, after=5)
    client.force_login(member)
    assert client.get(_url(programme, summary=True)).status_code == 404
    page = client.get(_url(programme)).content.decode()
    assert "Your levels" not in page and "up 4" not in page


def test_outsider_is_sent_to_sign_in(client, programme):
    response = client.get(_url(programme))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_summary_queries_do_not_grow_with_people(client, leader, programme, framework, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _both(programme, framework, UserFactory.create_batch(2))
    client.force_login(leader)
    client.get(_url(programme, summary=True))  # the session's first request does extra work once
    with CaptureQueriesContext(connection) as small:
        client.get(_url(programme, summary=True))
    _both(programme, framework, UserFactory.create_batch(8))
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(_url(programme, summary=True))


def test_curators_may_edit_and_publish_the_framework(curator):
    assert curator.has_perms(["learning.change_skillsframework", "learning.publish_skillsframework"])

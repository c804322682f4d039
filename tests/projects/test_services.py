"""Writing, reviewing and publishing stories through Wagtail's workflow; who may edit."""

from __future__ import annotations

import pytest
from wagtail.models import WorkflowState

from projects import services
from projects.models import ProjectPage, ProjectTeamMember
from tests.factories.projects import READY, make_project

pytestmark = pytest.mark.django_db


def test_start_project_creates_an_unpublished_draft_with_the_author_as_coauthor(member):
    project = services.start_project(author=member, title="Zero-day tracking list", data={"summary": "Short"})
    assert not project.live
    assert project.get_latest_revision() is not None
    assert ProjectTeamMember.objects.get(project=project).user == member
    assert services.latest_draft(project).summary == "Short"


def test_submitting_an_incomplete_story_lists_every_missing_required_section(member):
    project = services.start_project(author=member, title="Half written", data={"problem": "Waits"})
    with pytest.raises(services.ProjectError) as error:
        services.submit_for_review(user=member, project=project)
    message = str(error.value)
    assert "plain-English summary" in message
    assert "'Aim'" in message and "'What we changed'" in message and "'Results'" in message
    assert "'The problem'" not in message
    assert project.current_workflow_state is None


def test_full_review_cycle_changes_requested_then_resubmitted_then_published(member, curator, client):
    project = services.start_project(author=member, title="Discharge to assess", data=READY)
    services.submit_for_review(user=member, project=project)
    assert project.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS
    with pytest.raises(services.ProjectError):
        services.save_draft(user=member, project=project, data={"aim": "changed while in review"})

    with pytest.raises(services.ProjectError, match="Say what needs to change"):
        services.request_changes(reviewer=curator, project=project, comment="  ")
    services.request_changes(reviewer=curator, project=project, comment="Please add the dates of each cycle.")
    project.refresh_from_db()
    assert not project.live
    assert services.changes_requested_comment(project) == "Please add the dates of each cycle."
    assert client.get(project.url_path.removeprefix("/home")).status_code == 404

    services.save_draft(user=member, project=project, data={"changes": "Daily huddle from 3 Oct; list from 10 Oct."})
    services.submit_for_review(user=member, project=project)
    assert services.changes_requested_comment(project) == ""
    services.approve_story(reviewer=curator, project=project)
    project = ProjectPage.objects.get(pk=project.pk)
    assert project.live
    assert project.changes == "Daily huddle from 3 Oct; list from 10 Oct."
    assert project.revisions.count() == 2  # the first draft and the revised one


def test_only_coauthors_edit_and_only_curators_review(member, other_member, curator):
    project = services.start_project(author=member, title="Ours", data=READY)
    with pytest.raises(services.NotAllowed):
        services.save_draft(user=other_member, project=project, data={"aim": "hijack"})
    with pytest.raises(services.NotAllowed):
        services.submit_for_review(user=other_member, project=project)
    services.add_team_member(user=member, project=project, member=other_member, role="Pharmacist")
    services.save_draft(user=other_member, project=project, data={"aim": "Co-authored aim"})
    assert services.latest_draft(project).aim == "Co-authored aim"
    services.submit_for_review(user=member, project=project)
    with pytest.raises(services.NotAllowed):
        services.approve_story(reviewer=other_member, project=project)


def test_a_rejected_published_story_keeps_its_public_version(member, curator):
    project = make_project(member, title="Published", aim="Original aim")
    services.save_draft(user=member, project=project, data={"aim": "Unreviewed new aim"})
    services.submit_for_review(user=member, project=project)
    services.request_changes(reviewer=curator, project=project, comment="Not yet")
    project = ProjectPage.objects.get(pk=project.pk)
    assert project.live and project.aim == "Original aim"


def test_team_keeps_one_account_holding_coauthor(member):
    project = make_project(member)
    place = ProjectTeamMember.objects.get(project=project, user=member)
    with pytest.raises(services.ProjectError, match="at least one co-author"):
        services.remove_team_member(user=member, team_member=place)
    partner = services.add_team_member(user=member, project=project, name="Joan Murray", lived_experience=True)
    assert partner.display_name == "Joan Murray" and partner.is_coauthor


def test_adopting_prefills_links_and_copies_measure_definitions_without_data(member, other_member):
    from tests.factories.projects import FALLING, make_measure

    source = make_project(member, title="Care package waits")
    make_measure(source, FALLING)
    adopted = services.adopt_project(user=other_member, source=source)
    assert adopted.adapted_from == source and not adopted.live
    assert adopted.aim == source.aim
    copied = adopted.measures.get()
    assert copied.name == "People waiting" and copied.n_points == 0
    assert ProjectTeamMember.objects.get(project=adopted).user == other_member

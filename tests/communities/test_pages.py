"""The directory, community page, dashboard/profile/home sections, proposals and the invitation sign-up."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from communities import services
from communities.models import Access, CommunityIndexPage, CommunityPage, CommunityProposal, Membership, Rsvp
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, add_rsvp, make_community, make_event

pytestmark = pytest.mark.django_db


def test_migration_created_the_directory_in_the_menu(client):
    index = CommunityIndexPage.objects.get()
    assert index.show_in_menus and index.live
    assert 'href="/communities/"' in client.get("/").content.decode()


def test_directory_filters_by_text_care_area_and_access(client):
    from boost.models import CareArea

    frailty = CareArea.objects.create(name="Frailty", slug="frailty")
    make_community("Frailty network", care_area=frailty)
    make_community("Discharge group", access=Access.REQUEST, purpose="Earlier, safer discharge home.")
    make_community("Stroke", access=Access.INVITE)

    def titles(query: str) -> list[str]:
        html = client.get(f"/communities/?{query}").content.decode()
        return re.findall(r'class="nhsuk-card__link" href="[^"]+">([^<]+)</a>', html)

    assert titles("") == ["Discharge group", "Frailty network", "Stroke"]
    assert titles("q=safer") == ["Discharge group"]
    assert titles("care_area=frailty") == ["Frailty network"]
    assert titles("access=invite") == ["Stroke"]
    assert titles("q=nothing-matches") == []


def test_directory_paginates_and_keeps_filters(client):
    for i in range(22):
        make_community(f"Group {i:02d}")
    html = client.get("/communities/?q=Group").content.decode()
    assert "22 communities found" in html
    assert "?q=Group&amp;page=2" in html
    page_two = client.get("/communities/?q=Group&page=2").content.decode()
    assert "Group 21" in page_two and "Group 00" not in page_two


def test_directory_shows_member_count_and_next_event(client, member):
    community = make_community("Frailty network")
    add_member(member, community)
    make_event(community, title="Coffee and cases")
    html = client.get("/communities/").content.decode()
    assert "Coffee and cases" in html
    assert re.search(r"Members</dt><dd[^>]*>1</dd>", html)


def test_join_and_leave_through_the_pages(client, member):
    community = make_community("Frailty network")
    client.force_login(member)
    assert "Join this community" in client.get(community.url).content.decode()
    response = client.post(f"/communities/{community.slug}/join/", follow=True)
    assert "You have joined Frailty network" in response.content.decode()
    response = client.post(f"/communities/{community.slug}/join/", follow=True)
    assert "already a member" in response.content.decode()
    client.post(f"/communities/{community.slug}/leave/")
    assert Membership.objects.get(user=member).state == Membership.State.LEFT


def test_request_to_join_and_approve_through_the_pages(client, member, django_capture_on_commit_callbacks):
    community = make_community("Discharge", access=Access.REQUEST, is_private=True, discoverable=True)
    lead = UserFactory()
    add_member(lead, community, role=Membership.Role.FACILITATOR)
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/communities/{community.slug}/request/", {"message": "Ward sister on 7B"})
    pending = Membership.objects.get(user=member)
    assert pending.state == Membership.State.PENDING
    client.force_login(lead)
    assert "Ward sister on 7B" in client.get(f"/communities/{community.slug}/requests/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/communities/{community.slug}/requests/", {"membership": pending.pk, "action": "approve"})
    assert Membership.objects.get(pk=pending.pk).is_active
    assert mail.outbox[-1].to == [member.email]


def test_member_directory_respects_profile_privacy(client, member):
    from accounts.models import ProfileVisibility

    community = make_community("Frailty network")
    lead = UserFactory()
    add_member(lead, community, role=Membership.Role.FACILITATOR)
    shy = UserFactory(display_name="Shy Person")
    shy.profile.visibility = ProfileVisibility.PRIVATE
    shy.profile.organisation = "Secret Trust"
    shy.profile.save()
    add_member(shy, community)
    add_member(member, community)
    client.force_login(member)
    html = client.get(f"/communities/{community.slug}/members/").content.decode()
    assert "Shy Person" in html
    assert "Secret Trust" not in html
    assert f"/people/{shy.pk}/" not in html
    client.force_login(lead)  # facilitators see members' details, as the privacy option promises
    assert "Secret Trust" in client.get(f"/communities/{community.slug}/members/").content.decode()


def test_facilitator_actions_on_the_member_directory(client, member):
    community = make_community("Frailty network")
    lead = UserFactory()
    mine = add_member(lead, community, role=Membership.Role.FACILITATOR)
    theirs = add_member(member, community)
    client.force_login(lead)
    client.post(f"/communities/{community.slug}/members/{theirs.pk}/", {"action": "promote"})
    assert Membership.objects.get(pk=theirs.pk).is_facilitator
    client.post(f"/communities/{community.slug}/members/{theirs.pk}/", {"action": "remove"})
    assert Membership.objects.get(pk=theirs.pk).state == Membership.State.REMOVED
    response = client.post(f"/communities/{community.slug}/leave/", follow=True)
    assert "only facilitator" in response.content.decode()
    assert Membership.objects.get(pk=mine.pk).is_facilitator


def test_dashboard_profile_and_home_sections(client, member, other_member):
    public = make_community("Frailty network")
    private = make_community("Hidden", is_private=True)
    add_member(member, public, role=Membership.Role.FACILITATOR)
    add_member(member, private)
    event = make_event(public, title="Frailty huddle")
    add_rsvp(event, member)
    make_event(private, title="Hidden huddle")
    client.force_login(member)
    dashboard = client.get("/me/").content.decode()
    assert "Your communities" in dashboard and "Frailty network" in dashboard and "Hidden" in dashboard
    assert "Your upcoming events" in dashboard and "Frailty huddle" in dashboard
    client.force_login(other_member)
    profile = client.get(f"/people/{member.pk}/").content.decode()
    assert "Frailty network" in profile and "Hidden" not in profile
    home = client.get("/").content.decode()
    assert "Upcoming events" in home and "Frailty huddle" in home and "Hidden huddle" not in home


def test_rsvp_through_the_event_page(client, member):
    community = make_community("Frailty network")
    add_member(member, community)
    event = make_event(community, capacity=1)
    client.force_login(member)
    response = client.post(f"/communities/{community.slug}/events/{event.pk}/", {"answer": "going"}, follow=True)
    assert "You are going" in response.content.decode()
    assert Rsvp.objects.get().status == Rsvp.Status.GOING


def test_proposal_approved_by_a_curator_creates_the_community(client, member, curator, other_member):
    client.force_login(member)
    response = client.post(
        "/communities/propose/",
        {
            "name": "Falls prevention",
            "purpose": "Stopping falls at home.",
            "access": "open",
            "proposed_facilitators": other_member.email,
        },
    )
    assert response.status_code == 302
    proposal = CommunityProposal.objects.get()
    assert client.get("/communities/proposals/").status_code == 404  # members cannot review
    client.force_login(curator)
    assert "Falls prevention" in client.get("/communities/proposals/").content.decode()
    response = client.post(f"/communities/proposals/{proposal.pk}/", {"action": "approve"})
    page = CommunityPage.objects.get(title="Falls prevention")
    assert response.status_code == 302 and page.live
    assert set(Membership.objects.filter(community=page, role="facilitator").values_list("user_id", flat=True)) == {
        member.pk,
        other_member.pk,
    }
    assert page.revisions.exists()
    assert page.permissions_for_user(type(member).objects.get(pk=member.pk)).can_edit()


def test_proposal_declined_needs_a_reason(client, member, curator, django_capture_on_commit_callbacks):
    proposal = services.propose_community(user=member, name="Falls", purpose="Stopping falls.")
    client.force_login(curator)
    response = client.post(f"/communities/proposals/{proposal.pk}/", {"action": "decline", "reason": ""})
    assert "Enter a reason for declining" in response.content.decode()
    assert CommunityProposal.objects.get().state == CommunityProposal.State.PENDING
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/communities/proposals/{proposal.pk}/", {"action": "decline", "reason": "Join Frailty instead."})
    assert CommunityProposal.objects.get().state == CommunityProposal.State.DECLINED
    assert "Join Frailty instead." in mail.outbox[-1].body
    assert not CommunityPage.objects.filter(title="Falls").exists()


def test_invitation_lets_a_new_person_sign_up_and_land_in_the_community(client, django_capture_on_commit_callbacks):
    community = make_community("Stroke", access=Access.INVITE, is_private=True)
    lead = UserFactory()
    add_member(lead, community, role=Membership.Role.FACILITATOR)
    with django_capture_on_commit_callbacks(execute=True):
        services.invite(actor=lead, community=community, email="newcomer@nhs.net")
    link = re.search(r"http://\S+/communities/invitations/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    landing = client.get(path)
    assert "Create an account" in landing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/signup/?next={path}",
            {"email": "newcomer@nhs.net", "password1": "a-long-passphrase-42", "password2": "a-long-passphrase-42"},
        )
    assert response.status_code == 302
    newcomer = type(lead).objects.get(email="newcomer@nhs.net")
    assert Membership.objects.get(user=newcomer, community=community).is_active
    final = client.get(response["Location"], follow=True)
    assert final.request["PATH_INFO"] == community.url
    # The link worked once.
    client.logout()
    assert "already been used" in client.get(path).content.decode()

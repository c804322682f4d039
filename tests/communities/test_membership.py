"""Membership services: joining, requests, invitations, leaving, removal and roles, with their edge cases."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities import services
from communities.models import Access, Invitation, Membership
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_community():
    return make_community("Frailty network")


@pytest.fixture
def request_community():
    return make_community("Discharge group", access=Access.REQUEST, is_private=True, discoverable=True)


@pytest.fixture
def lead(request_community, open_community):
    person = UserFactory()
    add_member(person, request_community, role=Membership.Role.FACILITATOR)
    add_member(person, open_community, role=Membership.Role.FACILITATOR)
    return person


def test_join_open_community_then_double_join_is_refused(member, open_community):
    membership = services.join_community(user=member, community=open_community)
    assert membership.is_active
    with pytest.raises(services.MembershipError, match="already a member"):
        services.join_community(user=member, community=open_community)
    assert Membership.objects.filter(user=member, community=open_community).count() == 1


def test_rejoin_after_leaving_but_not_after_removal(member, open_community, lead):
    services.join_community(user=member, community=open_community)
    services.leave_community(user=member, community=open_community)
    assert Membership.objects.get(user=member).state == Membership.State.LEFT
    services.join_community(user=member, community=open_community)
    membership = Membership.objects.get(user=member, community=open_community)
    services.remove_member(actor=lead, community=open_community, membership_id=membership.pk)
    with pytest.raises(services.MembershipError, match="removed you"):
        services.join_community(user=member, community=open_community)
    assert Membership.objects.get(pk=membership.pk).state == Membership.State.REMOVED


def test_cannot_join_request_or_invite_communities_directly(member, request_community):
    invite_only = make_community("Stroke", access=Access.INVITE)
    with pytest.raises(services.MembershipError, match="Ask to join"):
        services.join_community(user=member, community=request_community)
    with pytest.raises(services.MembershipError, match="invite only"):
        services.join_community(user=member, community=invite_only)
    assert not Membership.objects.filter(user=member).exists()


def test_hidden_private_community_cannot_be_joined_or_requested(member):
    hidden = make_community("Hidden", access=Access.REQUEST, is_private=True)
    with pytest.raises(services.NotAllowed):
        services.request_to_join(user=member, community=hidden)
    assert not Membership.objects.exists()


def test_request_approve_notifies_facilitators_and_requester(
    member, request_community, lead, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pending = services.request_to_join(user=member, community=request_community, message="I run a ward.")
    assert pending.state == Membership.State.PENDING
    assert [m.to for m in mail.outbox] == [[lead.email]]
    assert "I run a ward." in mail.outbox[0].body
    with pytest.raises(services.MembershipError, match="already asked"):
        services.request_to_join(user=member, community=request_community)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.approve_request(actor=lead, community=request_community, membership_id=pending.pk)
    assert Membership.objects.get(pk=pending.pk).is_active
    assert mail.outbox[0].to == [member.email]
    assert "now a member" in mail.outbox[0].subject
    with pytest.raises(services.MembershipError, match="already been answered"):
        services.approve_request(actor=lead, community=request_community, membership_id=pending.pk)


def test_decline_tells_the_requester_and_they_may_ask_again(
    member, request_community, lead, django_capture_on_commit_callbacks
):
    pending = services.request_to_join(user=member, community=request_community)
    with django_capture_on_commit_callbacks(execute=True):
        services.decline_request(
            actor=lead, community=request_community, membership_id=pending.pk, reason="We are full this term."
        )
    assert not Membership.objects.filter(user=member).exists()
    assert mail.outbox[-1].to == [member.email]
    assert "We are full this term." in mail.outbox[-1].body
    assert services.request_to_join(user=member, community=request_community).state == Membership.State.PENDING


def test_only_facilitators_answer_requests(member, other_member, request_community, lead):
    pending = services.request_to_join(user=member, community=request_community)
    add_member(other_member, request_community)
    with pytest.raises(services.NotAllowed):
        services.approve_request(actor=other_member, community=request_community, membership_id=pending.pk)
    assert Membership.objects.get(pk=pending.pk).state == Membership.State.PENDING


def test_curator_can_answer_requests(member, curator, request_community, lead):
    pending = services.request_to_join(user=member, community=request_community)
    services.approve_request(actor=curator, community=request_community, membership_id=pending.pk)
    assert Membership.objects.get(pk=pending.pk).is_active


def test_invitation_is_single_use_and_expires(member, other_member, lead, django_capture_on_commit_callbacks):
    community = make_community("Stroke", access=Access.INVITE, is_private=True)
    add_member(lead, community, role=Membership.Role.FACILITATOR)
    with django_capture_on_commit_callbacks(execute=True):
        invitation, token = services.invite(actor=lead, community=community, email="New.Person@NHS.net")
    assert invitation.email == "new.person@nhs.net"
    assert token in mail.outbox[-1].body
    assert invitation.token_hash != token  # only the hash is stored
    services.accept_invitation(user=member, token=token)
    assert Membership.objects.get(user=member, community=community).is_active
    with pytest.raises(services.InvitationError, match="already been used"):
        services.accept_invitation(user=other_member, token=token)
    assert not Membership.objects.filter(user=other_member, community=community).exists()

    _, expired = services.invite(actor=lead, community=community, email="late@nhs.net")
    Invitation.objects.filter(email="late@nhs.net").update(expires_at=timezone.now() - timedelta(minutes=1))
    with pytest.raises(services.InvitationError, match="expired"):
        services.accept_invitation(user=other_member, token=expired)
    with pytest.raises(services.InvitationError, match="not valid"):
        services.accept_invitation(user=other_member, token="made-up")
    assert Invitation.objects.get(email="late@nhs.net").used_at is None


def test_invitation_brings_back_a_removed_member(member, lead, open_community):
    membership = services.join_community(user=member, community=open_community)
    services.remove_member(actor=lead, community=open_community, membership_id=membership.pk)
    _, token = services.invite(actor=lead, community=open_community, email=member.email)
    assert services.accept_invitation(user=member, token=token).is_active


def test_inviting_an_existing_member_is_refused(member, lead, open_community):
    services.join_community(user=member, community=open_community)
    with pytest.raises(services.InvitationError, match="already a member"):
        services.invite(actor=lead, community=open_community, email=member.email)
    assert not Invitation.objects.exists()


def test_last_facilitator_cannot_leave_be_removed_or_step_down(curator, lead, open_community, member):
    facilitator = Membership.objects.get(user=lead, community=open_community)
    with pytest.raises(services.MembershipError, match="only facilitator"):
        services.leave_community(user=lead, community=open_community)
    with pytest.raises(services.MembershipError, match="last facilitator"):
        services.remove_member(actor=curator, community=open_community, membership_id=facilitator.pk)
    with pytest.raises(services.MembershipError, match="at least one facilitator"):
        services.stop_facilitating(actor=curator, community=open_community, membership_id=facilitator.pk)
    assert Membership.objects.get(pk=facilitator.pk).is_facilitator
    # With a second facilitator the first may go.
    second = services.join_community(user=member, community=open_community)
    services.make_facilitator(actor=lead, community=open_community, membership_id=second.pk)
    services.leave_community(user=lead, community=open_community)
    assert Membership.objects.get(pk=facilitator.pk).state == Membership.State.LEFT


def test_facilitator_cannot_remove_themselves(lead, open_community):
    mine = Membership.objects.get(user=lead, community=open_community)
    with pytest.raises(services.MembershipError, match="Leave this community"):
        services.remove_member(actor=lead, community=open_community, membership_id=mine.pk)


def test_promotion_gives_wagtail_edit_rights_on_that_community_only(member, lead, open_community, request_community):
    membership = services.join_community(user=member, community=open_community)
    assert not open_community.permissions_for_user(member).can_edit()
    services.make_facilitator(actor=lead, community=open_community, membership_id=membership.pk)
    member = type(member).objects.get(pk=member.pk)  # a fresh object: permission caches live on the user
    assert open_community.permissions_for_user(member).can_edit()
    assert open_community.permissions_for_user(member).can_publish()
    assert not request_community.permissions_for_user(member).can_edit()
    assert not open_community.get_parent().permissions_for_user(member).can_edit()
    assert not open_community.get_parent().permissions_for_user(member).can_add_subpage()
    assert member.has_perm("wagtailadmin.access_admin")
    services.stop_facilitating(actor=lead, community=open_community, membership_id=membership.pk)
    member = type(member).objects.get(pk=member.pk)
    assert not open_community.permissions_for_user(member).can_edit()


def test_facilitator_can_edit_own_community_in_wagtail_admin_but_not_another(client, lead, open_community):
    other = make_community("Someone else's")
    client.force_login(lead)
    assert client.get(f"/admin/pages/{open_community.pk}/edit/").status_code == 200
    assert client.get(f"/admin/pages/{other.pk}/edit/").status_code in (302, 403)
    assert client.get(f"/admin/pages/{open_community.get_parent().pk}/edit/").status_code in (302, 403)

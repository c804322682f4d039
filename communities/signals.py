"""Keep the per-community Wagtail group in step with facilitator memberships, however they change."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from communities.facilitator_access import sync_facilitator
from communities.models import CommunityPage, Membership


@receiver(post_save, sender=Membership)
def membership_saved(sender, instance: Membership, raw: bool = False, **kwargs) -> None:
    if not raw:
        sync_facilitator(instance)


@receiver(post_delete, sender=Membership)
def membership_deleted(sender, instance: Membership, **kwargs) -> None:
    try:
        community = CommunityPage.objects.get(pk=instance.community_id)
    except CommunityPage.DoesNotExist:
        return
    if community.facilitator_group_id:
        community.facilitator_group.user_set.remove(instance.user_id)


@receiver(post_delete, sender=CommunityPage)
def community_deleted(sender, instance: CommunityPage, **kwargs) -> None:
    if instance.facilitator_group_id:
        from django.contrib.auth.models import Group

        Group.objects.filter(pk=instance.facilitator_group_id).delete()


def _accept_pending_invitation(request, user, **kwargs) -> None:
    """Someone who signed up from an invitation link lands in the community straight away."""
    from communities import services
    from communities.views import SESSION_INVITE_KEY

    token = request.session.get(SESSION_INVITE_KEY) if request is not None else None
    if not token:
        return
    try:
        services.accept_invitation(user=user, token=token)
    except services.CommunityError:
        # The invitation page explains what went wrong when they are sent back to it.
        return
    request.session.pop(SESSION_INVITE_KEY, None)


def connect_allauth() -> None:
    from allauth.account.signals import user_signed_up

    user_signed_up.connect(_accept_pending_invitation, dispatch_uid="communities_accept_invitation")

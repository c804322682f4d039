"""Tell a person's open sockets to re-check their rights when their membership changes."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from communities.models import Membership
from discussions import events


@receiver([post_save, post_delete], sender=Membership, dispatch_uid="discussions_membership_changed")
def membership_changed(sender, instance: Membership, **kwargs) -> None:
    events.broadcast_on_commit(events.user_group(instance.user_id), events.rights_changed(instance.user_id))

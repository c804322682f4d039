"""Every user has a profile, however the account was made (sign-up, admin, createsuperuser), and
every sign-in is recorded in their sign-in history."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_save
from django.dispatch import receiver

from accounts.models import Profile, SignInRecord, User


@receiver(post_save, sender=User)
def ensure_profile(sender, instance: User, created: bool, raw: bool = False, **kwargs) -> None:
    if created and not raw:
        Profile.objects.get_or_create(user=instance)


@receiver(user_logged_in, dispatch_uid="accounts-sign-in-history")
def record_sign_in(sender, request, user: User, **kwargs) -> None:
    """Django's signal, sent by allauth's and the admin's logins alike (and by test clients' ``login``)."""
    meta = getattr(request, "META", {}) if request is not None else {}
    SignInRecord.objects.create(
        user=user,
        ip_address=meta.get("REMOTE_ADDR") or None,
        user_agent=(meta.get("HTTP_USER_AGENT") or "")[:300],
        session_key=getattr(getattr(request, "session", None), "session_key", None) or "",
    )

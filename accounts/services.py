"""Verbs for accounts: creating profiles, granting roles, editing a profile."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import transaction

from accounts import roles
from accounts.models import Profile, User


@transaction.atomic
def on_new_account(*, user: User, display_name: str = "") -> Profile:
    """Give a new account its profile and the Member role (idempotent)."""
    profile, _ = Profile.objects.get_or_create(user=user, defaults={"display_name": display_name[:80]})
    member, _ = Group.objects.get_or_create(name=roles.MEMBER)
    user.groups.add(member)
    return profile


def get_profile(user: User) -> Profile:
    try:
        return user.profile
    except Profile.DoesNotExist:
        return on_new_account(user=user)


@transaction.atomic
def grant_role(*, user: User, role: str) -> None:
    """Add ``user`` to the Wagtail group for ``role`` (one of :data:`accounts.roles.ALL_ROLES`)."""
    if role not in roles.ALL_ROLES:
        raise ValueError(f"Unknown role {role!r}")
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)


def requires_mfa(user: User) -> bool:
    """Curators, leaders, admins and superusers must use a second factor."""
    from django.conf import settings

    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if hasattr(user, "has_mfa_role"):
        return user.has_mfa_role  # read with the user (accounts.backends)
    return user.groups.filter(name__in=settings.MFA_REQUIRED_GROUPS).exists()

"""Who may see what of a person's profile."""

from __future__ import annotations

from django.db.models import Q

from accounts.models import Profile, ProfileVisibility


def can_view_profile(viewer, profile: Profile) -> bool:
    """The owner always; others according to the owner's visibility choice."""
    if viewer.is_authenticated and viewer.pk == profile.user_id:
        return True
    if profile.visibility == ProfileVisibility.PUBLIC:
        return True
    if profile.visibility == ProfileVisibility.MEMBERS:
        return viewer.is_authenticated and viewer.is_active
    return False


def visible_fields(viewer, profile: Profile) -> dict[str, object]:
    """The profile fields ``viewer`` may see (display name always, others by the owner's switches)."""
    is_owner = viewer.is_authenticated and viewer.pk == profile.user_id
    shown: dict[str, object] = {"display_name": profile.user.display_name}
    if is_owner or profile.show_organisation:
        shown["organisation"] = profile.organisation
    if is_owner or profile.show_profession:
        shown["profession"] = profile.get_profession_display() if profile.profession else ""
        shown["job_title"] = profile.job_title
    if is_owner or profile.show_bio:
        shown["bio"] = profile.bio
    if is_owner or profile.show_interests:
        shown["interests"] = list(profile.interests.all())
    if (is_owner or profile.show_avatar) and profile.avatar:
        shown["avatar_url"] = profile.avatar.url
    return shown


def visible_profiles(viewer):
    """Profiles ``viewer`` may see (the owner's visibility; never a hidden or closed account)."""
    profiles = Profile.objects.filter(user__is_active=True, user__content_hidden=False)
    if viewer.is_authenticated and viewer.is_active:
        allowed = Q(visibility__in=[ProfileVisibility.PUBLIC, ProfileVisibility.MEMBERS]) | Q(user=viewer)
    else:
        allowed = Q(visibility=ProfileVisibility.PUBLIC)
    return profiles.filter(allowed)

"""What accounts/ holds about a person, for downloads and erasure (see ``privacy.registry``)."""

from __future__ import annotations

import secrets

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount

from accounts.models import Profile, ProfileVisibility, SignInRecord, Suspension
from privacy.registry import DataSection, ErasureOptions, register

FORMER_MEMBER = "Former member"


def _profile_rows(user) -> list[dict]:
    profile = Profile.objects.filter(user=user).prefetch_related("interests").first()
    row = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
    }
    if profile is not None:
        row.update(
            display_name=profile.display_name,
            organisation=profile.organisation,
            profession=profile.get_profession_display(),
            care_setting=profile.get_care_setting_display(),
            job_title=profile.job_title,
            bio=profile.bio,
            interests=", ".join(area.name for area in profile.interests.all()),
            has_picture=bool(profile.avatar),
            profile_updated_at=profile.updated_at,
        )
    return [row]


def _erase_profile(user, options: ErasureOptions) -> dict[str, int]:
    """The profile becomes a blank "Former member"; its picture file is deleted."""
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return {}
    if profile.avatar:
        profile.avatar.delete(save=False)
    for name in ("organisation", "profession", "care_setting", "job_title", "bio"):
        setattr(profile, name, "")
    profile.display_name = FORMER_MEMBER
    profile.visibility = ProfileVisibility.PRIVATE
    profile.searchable = False
    profile.save()  # post_save: search drops the person's entry
    profile.interests.clear()
    return {"anonymised": 1}


def _consent_rows(user) -> list[dict]:
    profile = Profile.objects.filter(user=user).first()
    if profile is None:
        return []
    return [
        {"choice": "Who can see my profile", "value": profile.get_visibility_display()},
        {"choice": "Show my organisation", "value": profile.show_organisation},
        {"choice": "Show my profession", "value": profile.show_profession},
        {"choice": "Show my bio", "value": profile.show_bio},
        {"choice": "Show my interests", "value": profile.show_interests},
        {"choice": "Show my picture", "value": profile.show_avatar},
        {"choice": "Let people find me in Boost search", "value": profile.searchable},
    ]


def _sign_in_rows(user) -> list[dict]:
    return list(SignInRecord.objects.filter(user=user).values("signed_in_at", "ip_address", "user_agent"))


def _erase_sign_ins(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = SignInRecord.objects.filter(user=user).delete()
    return {"deleted": deleted}


def _email_rows(user) -> list[dict]:
    return list(EmailAddress.objects.filter(user=user).values("email", "verified", "primary"))


def _security_rows(user) -> list[dict]:
    rows = [
        {
            "kind": f"Second factor: {auth.get_type_display()}",
            "created_at": auth.created_at,
            "last_used_at": auth.last_used_at,
        }
        for auth in Authenticator.objects.filter(user=user)
    ]
    rows += [
        {
            "kind": f"Sign in with {account.provider}",
            "created_at": account.date_joined,
            "last_used_at": account.last_login,
        }
        for account in SocialAccount.objects.filter(user=user)
    ]
    return rows


def _erase_sign_in_methods(user, options: ErasureOptions) -> dict[str, int]:
    emails, _ = EmailAddress.objects.filter(user=user).delete()
    factors, _ = Authenticator.objects.filter(user=user).delete()
    social, _ = SocialAccount.objects.filter(user=user).delete()
    return {"deleted": emails + factors + social}


def _erase_account(user, options: ErasureOptions) -> dict[str, int]:
    """Last of all: the account row stays (messages and write-up history point at it) but holds
    nothing personal and can never sign in again."""
    user.email = f"former-member-{secrets.token_hex(8)}@invalid"
    user.first_name = user.last_name = ""
    user.set_unusable_password()
    user.is_active = False
    user.is_staff = user.is_superuser = False
    user.last_login = None
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    return {"anonymised": 1}


register(
    DataSection(
        name="profile",
        title="Your account and profile",
        description="Your sign-in email, name, when you joined and everything on your profile.",
        rows=_profile_rows,
        erase=_erase_profile,
        order=10,
    )
)
register(
    DataSection(
        name="consents",
        title="Your privacy choices",
        description="What you chose to show on your profile and whether people may find you in search.",
        rows=_consent_rows,
        order=11,
    )
)
register(
    DataSection(
        name="email_addresses",
        title="Email addresses",
        description="The email addresses on your account and whether each is verified.",
        rows=_email_rows,
        order=12,
    )
)
register(
    DataSection(
        name="sign_in_methods",
        title="Second factors and linked sign-in",
        description="Authenticator apps, passkeys, recovery codes and NHSmail sign-in linked to your account "
        "(never their secrets).",
        rows=_security_rows,
        erase=_erase_sign_in_methods,
        order=13,
    )
)
register(
    DataSection(
        name="sign_in_history",
        title="Sign-in history",
        description="Each time you signed in: when, the internet address it came from and the browser's name.",
        rows=_sign_in_rows,
        erase=_erase_sign_ins,
        order=14,
    )
)


def _suspension_rows(user) -> list[dict]:
    # Who suspended them is someone else's data, so it is left out.
    return [
        {
            "suspended_at": record.created_at,
            "reason": record.reason,
            "until": record.ends_at,
            "content_hidden": record.hide_content,
            "content_shown_again_at": record.content_restored_at,
            "lifted_at": record.lifted_at,
        }
        for record in Suspension.objects.filter(user=user).order_by("created_at")
    ]


def _erase_suspensions(user, options: ErasureOptions) -> dict[str, int]:
    deleted, _ = Suspension.objects.filter(user=user).delete()
    return {"deleted": deleted} if deleted else {}


register(
    DataSection(
        name="suspensions",
        title="Suspensions",
        description="Any time moderators suspended your account: when, why, until when, and whether your content "
        "was hidden.",
        rows=_suspension_rows,
        erase=_erase_suspensions,
        order=15,
    )
)
register(
    DataSection(
        name="account",
        title="Account",
        description="(Erasure only: the account itself is anonymised last.)",
        rows=None,
        erase=_erase_account,
        order=10_000,
    )
)

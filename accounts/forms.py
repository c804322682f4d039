"""Profile editing, and allauth's forms with Boost's rules."""

from __future__ import annotations

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat

from accounts.models import Profile
from boost.forms import BoostForm, BoostModelForm, StorableTextMixin
from boost.honeypot import HoneypotMixin
from boost.models import CareArea

_ALLOWED_AVATAR_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
_MAX_AVATAR_SIDE = 4000


class ProfileForm(BoostModelForm):
    interests = forms.ModelMultipleChoiceField(
        queryset=CareArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        label="Care areas you are interested in",
    )

    class Meta:
        model = Profile
        fields = [
            "display_name",
            "organisation",
            "profession",
            "care_setting",
            "job_title",
            "bio",
            "interests",
            "avatar",
            "visibility",
            "show_organisation",
            "show_profession",
            "show_bio",
            "show_interests",
            "show_avatar",
            "searchable",
        ]
        labels = {
            "display_name": "Display name",
            "profession": "Role or profession",
            "job_title": "Job title",
            "care_setting": "Where you work (optional)",
            "bio": "About you",
            "avatar": "Profile picture",
            "visibility": "Who can see your profile page",
            "show_organisation": "Show my organisation",
            "show_profession": "Show my role and job title",
            "show_bio": "Show my 'about you' text",
            "show_interests": "Show my care areas",
            "show_avatar": "Show my profile picture",
            "searchable": "Let people find me in search",
        }
        help_texts = {
            "display_name": "The name other people see, for example 'Sam Patel'.",
            "bio": "Up to 600 characters. What you work on and what you would like to learn.",
            "avatar": f"A JPEG, PNG, WebP or GIF image, up to {filesizeformat(settings.AVATAR_MAX_BYTES)}.",
            "care_setting": "Never shown on your profile: only counted, with others', in leaders' figures.",
            "searchable": "Only the parts of your profile you choose to show are searchable.",
        }
        widgets = {
            "visibility": forms.RadioSelect,
            "bio": forms.Textarea(attrs={"rows": 4}),
            "avatar": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
        }

    def clean_display_name(self) -> str:
        name = self.cleaned_data["display_name"].strip()
        if not name:
            raise forms.ValidationError("Enter a display name.")
        return name

    def clean_avatar(self):
        avatar = self.cleaned_data.get("avatar")
        if not isinstance(avatar, UploadedFile):
            return avatar  # unchanged, or cleared
        if avatar.size > settings.AVATAR_MAX_BYTES:
            raise forms.ValidationError(
                f"The profile picture must be smaller than {filesizeformat(settings.AVATAR_MAX_BYTES)}."
            )
        image = getattr(avatar, "image", None)
        if image is None or (image.format or "").upper() not in _ALLOWED_AVATAR_FORMATS:
            raise forms.ValidationError("The profile picture must be a JPEG, PNG, WebP or GIF image.")
        width, height = image.size
        if width > _MAX_AVATAR_SIDE or height > _MAX_AVATAR_SIDE:
            raise forms.ValidationError(f"The profile picture must be at most {_MAX_AVATAR_SIDE} pixels on each side.")
        return avatar


class SuspendForm(BoostForm):
    """Shapes a suspension; ``accounts.sanctions.suspend_member`` decides."""

    UNTIL_DATE = "date"
    UNTIL_LIFTED = "lifted"
    reason = forms.CharField(
        label="Reason",
        help_text="Kept in the suspension record for curators and admins. The member is not shown it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        error_messages={"required": "Give the reason for the suspension (only moderators see it)."},
    )
    duration = forms.ChoiceField(
        label="How long",
        choices=[(UNTIL_DATE, "Until a date"), (UNTIL_LIFTED, "Until a curator or admin lifts it")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how long the suspension lasts."},
    )
    ends_on = forms.DateField(
        label="Last day of the suspension, when it lasts until a date",
        help_text="They can sign in again from midnight at the end of this day (UK time). For example, 27 3 2027.",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a real date, for example 27 3 2027."},
    )
    content = forms.ChoiceField(
        label="Their content",
        choices=[
            ("keep", "Leave their messages, discussions and profile as they are"),
            ("hide", "Hide their messages, discussions and profile from everyone"),
        ],
        widget=forms.RadioSelect,
        initial="keep",
        error_messages={"required": "Choose what happens to their content."},
    )

    def clean(self):
        data = super().clean()
        if data.get("duration") == self.UNTIL_DATE and not data.get("ends_on") and "ends_on" not in self.errors:
            self.add_error("ends_on", "Enter the last day of the suspension.")
        return data

    def ends_at(self):
        """The moment the suspension ends: midnight after the last day, in the site's time zone."""
        from datetime import datetime, time, timedelta

        from django.utils import timezone

        if self.cleaned_data["duration"] != self.UNTIL_DATE:
            return None
        day_after = self.cleaned_data["ends_on"] + timedelta(days=1)
        return datetime.combine(day_after, time.min, tzinfo=timezone.get_current_timezone())


class LiftSuspensionForm(BoostForm):
    restore_content = forms.BooleanField(
        label="Show their hidden messages, discussions and profile again", required=False, initial=True
    )


class FindMemberForm(BoostForm):
    email = forms.EmailField(
        label="Email address of the member to suspend",
        error_messages={"required": "Enter the member's email address.", "invalid": "Enter a real email address."},
    )


# --- allauth's forms, with Boost's rules ---------------------------------------------------------
# allauth builds these itself (settings.ACCOUNT_FORMS); the subclasses add the storable-text rule
# every Boost form has and, on the forms that anyone may send, the honeypot (boost/honeypot.py).


CHOOSING_HINT = (
    "At least 10 characters. Not only numbers, not a common password and not like your name or email address."
)


class NHSWordingMixin(StorableTextMixin):
    """Labels in the NHS service manual's words and sentence case, no placeholders (and, as on
    every Boost form, the storable-text rule of ``boost.text``).

    allauth's own labels are title case ("Remember Me", "New Password (again)") and its inputs carry
    placeholders, which the NHS.UK design system asks us not to use (they vanish as you type). Each
    form may add its own ``labels``; ``hints`` replace help text (``""`` removes it: the sign-in page
    shows "Forgot your password?" as a link below the password box instead of as its hint).
    """

    labels: dict[str, str] = {}
    hints: dict[str, str] = {}
    common_labels = {
        "login": "Email address",
        "email": "Email address",
        "email2": "Email address again",
        "password": "Password",
        "oldpassword": "Current password",
        "password1": "New password",
        "password2": "Re-enter your new password",
        "remember": "Keep me signed in",
        "code": "Security code",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "password1" in self.fields and "password1" not in self.hints:
            # Django's validator list is a bulleted block of four sentences; one plain hint says the same.
            self.fields["password1"].help_text = CHOOSING_HINT
        for name, field in self.fields.items():
            label = self.labels.get(name) or self.common_labels.get(name)
            if label:
                field.label = label
            if name in self.hints:
                field.help_text = self.hints[name]
            field.widget.attrs.pop("placeholder", None)
        if "code" in self.fields:
            # A short code gets a short box (the design system's fixed-width input).
            self.fields["code"].widget.attrs["class"] = "nhsuk-input nhsuk-input--width-10"


class SignupForm(NHSWordingMixin, HoneypotMixin, StorableTextMixin, allauth_forms.SignupForm):
    """Sign-up: a robot that fills the hidden box gets an error and no account."""

    labels = {"password1": "Create a password", "password2": "Re-enter your password"}
    hints = {"email": "Use your work email address if you have one. We will send you a link to confirm it."}


class ResetPasswordForm(NHSWordingMixin, HoneypotMixin, StorableTextMixin, allauth_forms.ResetPasswordForm):
    """ "Forgot your password?": it emails an address, so robots are kept out like at sign-up."""


class LoginForm(NHSWordingMixin, StorableTextMixin, allauth_forms.LoginForm):
    """Sign-in: no honeypot (it stores and sends nothing, and allauth limits attempts)."""

    hints = {"password": ""}


class ResetPasswordKeyForm(NHSWordingMixin, allauth_forms.ResetPasswordKeyForm):
    """Choosing a new password from the emailed link."""


class ChangePasswordForm(NHSWordingMixin, allauth_forms.ChangePasswordForm):
    """Changing a password when signed in."""

    hints = {"oldpassword": ""}


class SetPasswordForm(NHSWordingMixin, allauth_forms.SetPasswordForm):
    """Setting a first password (an account made through NHSmail sign-in)."""

    labels = {"password1": "Create a password", "password2": "Re-enter your password"}


class ReauthenticateForm(NHSWordingMixin, allauth_forms.ReauthenticateForm):
    """Confirming it is you with your password before a sensitive change."""

    hints = {"password": ""}


class AddEmailForm(NHSWordingMixin, allauth_forms.AddEmailForm):
    """Adding another email address."""


class MFAAuthenticateForm(NHSWordingMixin, mfa_forms.AuthenticateForm):
    """The second step of signing in: a code from the authenticator app (or a recovery code)."""

    hints = {"code": "The 6-digit code from your authenticator app, or one of your recovery codes."}


class MFAReauthenticateForm(NHSWordingMixin, mfa_forms.ReauthenticateForm):
    """Confirming it is you before a sensitive change."""

    hints = {"code": "The 6-digit code from your authenticator app, or one of your recovery codes."}


class ActivateTOTPForm(NHSWordingMixin, totp_forms.ActivateTOTPForm):
    """Setting up an authenticator app."""

    labels = {"code": "Code from your authenticator app"}

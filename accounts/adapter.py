"""allauth adapters: every new account gets a profile and the Member role."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.urls import reverse

from accounts import services


class AccountAdapter(DefaultAccountAdapter):
    def get_login_redirect_url(self, request):
        # Signing in during a closure's grace period offers to keep the account.
        from privacy.services import pending_closure

        if pending_closure(request.user) is not None:
            return reverse("privacy:close_account")
        return super().get_login_redirect_url(request)

    def pre_login(self, request, user, **kwargs):
        # The password (or NHSmail) was right, but a suspended member is not let in: they see
        # that they are suspended and until when, never why (the reason is for moderators).
        if user.is_suspended:
            from allauth.account.internal.stagekit import clear_login

            from accounts.views import suspended_response

            clear_login(request)
            return suspended_response(request, user)
        return super().pre_login(request, user, **kwargs)

    def save_user(self, request, user, form, commit=True):
        user = super().save_user(request, user, form, commit=commit)
        if commit:
            services.on_new_account(user=user)
        return user


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    """Entra ID (NHSmail) sign-in: the directory's name becomes the starting display name."""

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        extra = sociallogin.account.extra_data or {}
        services.on_new_account(user=user, display_name=extra.get("displayName", ""))
        return user

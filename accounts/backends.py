"""The sign-in backend: allauth's, loading a signed-in person with what every page reads of them.

Every signed-in page shows the person's name (their profile), asks one permission (the admin link,
Wagtail's user bar) and, in ``RequireMFAForStaffMiddleware``, whether their role needs a second
factor. Django's backends spend one query on the user, one on the profile, two on permissions and
one on the groups; this one reads the user, profile and "needs MFA" together and every permission
in one query, so a signed-in page starts at two queries (session, user) plus one for permissions.
The person's groups come with them too, so role checks (curator, leader, restrictions by group)
cost no query.

Django's and allauth's own backends stay listed after this one (``AUTHENTICATION_BACKENDS``) so
sessions signed in before it still load; a failed password stops here (``PermissionDenied``), so a
wrong password is still checked once, not once per listed backend.
"""

from __future__ import annotations

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Concat


def _users():
    User = get_user_model()
    needs_mfa = Group.objects.filter(user=OuterRef("pk"), name__in=settings.MFA_REQUIRED_GROUPS)
    # "id:name" of each group, one a line: role checks on the page then read them without a query
    # (accounts.models.User.loaded_groups).
    groups = (
        Group.objects.filter(user=OuterRef("pk"))
        .values("user")
        .annotate(rows=StringAgg(Concat(Cast("pk", CharField()), Value(":"), "name"), delimiter=Value("\n")))
        .values("rows")
    )
    return User._default_manager.select_related("profile", "wagtail_userprofile").annotate(
        has_mfa_role=Exists(needs_mfa), group_rows=Subquery(groups)
    )


class AuthenticationBackend(AllauthBackend):
    def authenticate(self, request, **credentials):
        user = super().authenticate(request, **credentials)
        if user is None and credentials.get("password") is not None:
            # Django's authenticate() stops at PermissionDenied: the backends listed after this one
            # (kept for old sessions) would only check the same password again.
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        try:
            user = _users().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        try:
            user = await _users().aget(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions, in one query (Django asks two)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(Q(user=user_obj) | Q(group__user=user_obj))
            pairs = permissions.values_list("content_type__app_label", "codename").order_by().distinct()
            user_obj._perm_cache = {f"{app}.{codename}" for app, codename in pairs}
        return user_obj._perm_cache

    async def aget_all_permissions(self, user_obj, obj=None):
        from asgiref.sync import sync_to_async

        return await sync_to_async(self.get_all_permissions)(user_obj, obj)

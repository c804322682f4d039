"""The sign-in backend: allauth's, loading a signed-in person with what every page reads of them.

Every signed-in page shows the person's name (their profile), asks one permission (the admin link,
Wagtail's user bar), shows the bell's counts and, in ``RequireMFAForStaffMiddleware``, whether their
role needs a second factor. Django's backends spend one query on the user, one on the profile, two on
permissions and one on the groups, and the bell one more; this one reads them all in one query (the
groups, their active memberships, the permissions and the bell's two counts as subqueries), so a
signed-in page starts at two queries (session, user). Role checks (curator, leader, restrictions by
group) and listings' privacy then cost no query. A superuser's permissions (all of them) are still read when asked.

Django's and allauth's own backends stay listed after this one (``AUTHENTICATION_BACKENDS``) so
sessions signed in before it still load; a failed password stops here (``PermissionDenied``), so a
wrong password is still checked once, not once per listed backend.
"""

from __future__ import annotations

import functools

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import CharField, Exists, OuterRef, Q, StringAgg, Subquery, Value
from django.db.models.functions import Cast, Concat

from boost.page_cache import current_generation


def _users():
    # Built once (per set of MFA groups) and cloned by each .get(): building its five subqueries
    # took a fifth of a signed-in page's time (pyinstrument, bench/pages.py --profile).
    return _users_needing_mfa_in(tuple(settings.MFA_REQUIRED_GROUPS))


@functools.lru_cache(maxsize=4)
def _users_needing_mfa_in(mfa_groups: tuple[str, ...]):
    User = get_user_model()
    needs_mfa = Group.objects.filter(user=OuterRef("pk"), name__in=mfa_groups)
    # "id:name" of each group, one a line: role checks on the page then read them without a query
    # (accounts.models.User.loaded_groups).
    groups = (
        Group.objects.filter(user=OuterRef("pk"))
        .values("user")
        .annotate(rows=StringAgg(Concat(Cast("pk", CharField()), Value(":"), "name"), delimiter=Value("\n")))
        .values("rows")
    )
    # "app_label.codename" of every permission they hold, directly or through a group.
    permissions = (
        Permission.objects.filter(Q(user=OuterRef("pk")) | Q(group__user=OuterRef("pk")))
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(rows=StringAgg(Concat("content_type__app_label", Value("."), "codename"), delimiter=Value("\n")))
        .values("rows")
    )
    # "community_id:role" of each active membership: listings' privacy (boost.permissions) and
    # "do they facilitate anything" read them without a query (User.loaded_memberships).
    from communities.models import Membership

    memberships = (
        Membership.objects.filter(user=OuterRef("pk"), state=Membership.State.ACTIVE)
        .order_by()
        .values("user")
        .annotate(rows=StringAgg(Concat(Cast("community_id", CharField()), Value(":"), "role"), delimiter=Value("\n")))
        .values("rows")
    )
    from discussions.bell import bell_count_subqueries

    return User._default_manager.select_related("profile", "wagtail_userprofile").annotate(
        has_mfa_role=Exists(needs_mfa),
        group_rows=Subquery(groups),
        permission_rows=Subquery(permissions),
        membership_rows=Subquery(memberships),
        **bell_count_subqueries(OuterRef("pk")),
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
        generation = current_generation()  # before the read: a change meanwhile makes them stale
        try:
            user = _users().get(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        user.memberships_loaded_at = generation
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        generation = current_generation()  # before the read: a change meanwhile makes them stale
        try:
            user = await _users().aget(pk=user_id)
        except get_user_model().DoesNotExist:
            return None
        user.memberships_loaded_at = generation
        return user if self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions, in one query (Django asks two)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        loaded = "permission_rows" in user_obj.__dict__ and not user_obj.is_superuser
        if loaded and not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = set((user_obj.permission_rows or "").splitlines())
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

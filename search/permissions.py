"""Who may see which search documents. The backends turn a ``Viewer`` into a filter inside the
query itself, so counts, facets, suggestions and "did you mean" only ever see permitted documents."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Viewer:
    """What the permission filter needs to know about the person searching."""

    authenticated: bool = False
    sees_all: bool = False
    community_ids: frozenset[int] = frozenset()

    @classmethod
    def anonymous(cls) -> Viewer:
        return cls()

    @classmethod
    def for_user(cls, user) -> Viewer:
        """At most two queries: the overseer-role check and the active memberships."""
        from communities.models import Membership
        from communities.permissions import sees_all_communities

        if user is None or not user.is_authenticated:
            return cls.anonymous()
        if sees_all_communities(user):
            return cls(authenticated=True, sees_all=True)
        ids = Membership.objects.filter(user=user, state=Membership.State.ACTIVE).values_list("community_id", flat=True)
        return cls(authenticated=True, community_ids=frozenset(ids))

    def may_see(self, *, is_private: bool, community_id: int | None, members_only: bool) -> bool:
        """The same rule in Python (used by tests and by the indexer's sanity checks)."""
        if members_only and not self.authenticated:
            return False
        if is_private and not self.sees_all:
            return community_id is not None and community_id in self.community_ids
        return True

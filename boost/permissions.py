"""The one answer to "may this person see this page, and everything derived from it?".

A page's rendered view, its handover pack, its data CSV, its charts, its files, the questions asked
on it and its search entries all ask :func:`can_view_page`. It combines, in this order:

1. draft rights: a page that is not live is seen only by the people who may read its draft
   (a write-up's co-authors and reviewers; for other pages, whoever may edit it in Wagtail);
2. Wagtail's view restrictions on the page and each of its ancestors, every one of which must pass
   (see :func:`restrictions_allow`);
3. the private community the page sits under, if any: its active members, curators and admins.

Other modules (``projects.permissions``, ``discussions.permissions``, ``boost.files``) delegate here
instead of repeating any part of it.
"""

from __future__ import annotations

from wagtail.models import Page, PageViewRestriction


def ancestor_paths(page: Page) -> list[str]:
    """The tree paths of ``page`` and every ancestor (no query: they are prefixes of its path)."""
    steplen = page.steplen
    return [page.path[:i] for i in range(steplen, len(page.path) + 1, steplen)]


def all_view_restrictions() -> list[PageViewRestriction]:
    """Every view restriction on the site with its page's path and its groups, read once per content
    generation (:mod:`boost.structure`: adding, changing or removing one moves the generation on).
    A site has few; every page's rights check and every listing reads them."""
    from boost.structure import remembered

    return remembered(
        ("view-restrictions",),
        lambda: list(PageViewRestriction.objects.select_related("page").prefetch_related("groups")),
    )


def page_view_restrictions(page: Page | None) -> list[PageViewRestriction]:
    """Wagtail view restrictions on ``page`` and its ancestors, as they stand now.

    Never cached on the page object: a socket may hold a page for hours while restrictions change;
    they come from :func:`all_view_restrictions`, current for this content generation.
    No page, no restrictions."""
    if page is None:
        return []
    if page.alias_of_id is not None:
        # An alias shares its source's restrictions; Wagtail's own look-up resolves that.
        return list(page.get_view_restrictions().prefetch_related("groups"))
    paths = set(ancestor_paths(page))
    return [restriction for restriction in all_view_restrictions() if restriction.page.path in paths]


def restrictions_allow(user, restrictions: list[PageViewRestriction], request=None) -> bool:
    """Do these view restrictions let ``user`` in, as Wagtail's ``accept_request`` would? All must pass.

    A shared-password restriction is remembered per browser session, not per person. With a
    ``request`` it passes once that session has given the password (Wagtail's own rule); without one
    (services, socket actions, indexing) nobody passes it, so what sits under a password is never
    shown, indexed or sent where no browser session is asking.
    """
    for restriction in restrictions:
        if restriction.restriction_type == PageViewRestriction.PASSWORD:
            if request is None or not restriction.accept_request(request):
                return False
        elif restriction.restriction_type == PageViewRestriction.LOGIN:
            if not user.is_authenticated:
                return False
        elif restriction.restriction_type == PageViewRestriction.GROUPS:
            if not user.is_authenticated:
                return False
            if user.is_superuser:
                continue
            allowed = {group.pk for group in restriction.groups.all()}
            if not _group_ids(user) & allowed:
                return False
    return True


def _group_ids(user) -> set[int]:
    loaded = user.loaded_groups()
    return set(loaded) if loaded is not None else set(user.groups.values_list("pk", flat=True))


def community_of(page: Page):
    """The community ``page`` sits under (itself if it is one), or None. At most one query, once per
    content generation for each place in the tree (:mod:`boost.structure`)."""
    from boost.structure import own_copy, remembered
    from communities.models import CommunityPage

    if page is None:
        return None
    if isinstance(page, CommunityPage):
        return page
    # A served page is asked this by its rights check and again by its discussion section: the
    # answer is kept on the instance for as long as it sits at the same path.
    memo = page.__dict__.get("_community_of")
    if memo is not None and memo[0] == page.path:
        return memo[1]
    community = own_copy(
        remembered(
            ("community-of", page.path),
            lambda: CommunityPage.objects.filter(path__in=ancestor_paths(page)).order_by("depth").last(),
        )
    )
    page.__dict__["_community_of"] = (page.path, community)
    return community


def may_see_draft(user, page: Page) -> bool:
    """May ``user`` read the unpublished version of ``page``?"""
    if not user.is_authenticated or not user.is_active:
        return False
    from projects.models import ProjectPage

    if isinstance(page, ProjectPage):
        from projects.permissions import can_view_draft

        return can_view_draft(user, page)
    return page.permissions_for_user(user).can_edit()


_UNKNOWN = object()


def can_view_page(user, page: Page, *, request=None, restrictions=None, community=_UNKNOWN) -> bool:
    """May ``user`` see ``page`` and everything derived from it (files, CSV, charts, handover, questions)?

    Pass ``request`` when there is one, so a password a browser session has given counts. A caller
    that already holds the page's ``restrictions`` (:func:`page_view_restrictions`) or its
    ``community`` (:func:`community_of`, None for none) may pass them to save the queries; the rule
    is the same.
    """
    if page is None:
        return False
    if not page.live:
        return may_see_draft(user, page)
    # A live page's restrictions hold for everyone, its authors and reviewers too, as they do for
    # the page itself (boost.wagtail_hooks.page_rights): what is derived from a page is never more
    # open than the page.
    return _live_page_allows(user, page, request, restrictions, community)


def _live_page_allows(user, page: Page, request, restrictions, community) -> bool:
    from communities.permissions import can_view_community

    if restrictions is None:
        restrictions = page_view_restrictions(page)
    if not restrictions_allow(user, restrictions, request):
        return False
    if community is _UNKNOWN:
        community = community_of(page)
    return community is None or can_view_community(user, community)


# --- the same rule for a set of pages: listings, counts, feeds -----------------------------------


def hidden_page_paths(user, *, request=None) -> tuple[str, ...]:
    """Tree paths under which ``user`` may see no live page: pages whose view restriction keeps them
        out, and private communities they may not see. No query for a person loaded by the sign-in
    backend (one otherwise), once per request.

        It is :func:`can_view_page`'s rule for live pages, put as paths a queryset can exclude, so a
        listing or a count never holds what the page itself would answer 404 for. (A write-up's own
        authors still open it when a restriction keeps others out; lists leave it out for them too.)
    """
    cached = getattr(request, "_boost_hidden_page_paths", None) if request is not None else None
    if cached is not None and cached[0] == getattr(user, "pk", None):
        return cached[1]
    paths = [
        restriction.page.path
        for restriction in all_view_restrictions()
        if not restrictions_allow(user, [restriction], request)
    ]
    paths += _hidden_community_paths(user)
    # Nested paths add nothing: keep the shortest prefixes only.
    kept: list[str] = []
    for path in sorted(set(paths)):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    result = tuple(kept)
    if request is not None:
        request._boost_hidden_page_paths = (getattr(user, "pk", None), result)
    return result


def _hidden_community_paths(user) -> list[str]:
    """Paths of the communities ``user`` may not see: ``CommunityPage.objects.visible_to``'s rule
    (live, and public or theirs, unless they see all), worked out from the communities' rows kept
    per content generation and the memberships that came with the person (a query otherwise)."""
    from boost.structure import remembered
    from communities.models import CommunityPage, Membership
    from communities.permissions import sees_all_communities

    rows = remembered(
        ("community-privacy",), lambda: list(CommunityPage.objects.values_list("pk", "path", "live", "is_private"))
    )
    if sees_all_communities(user):
        return [path for _, path, live, _ in rows if not live]
    member_of: set[int] = set()
    if user.is_authenticated:
        loaded = user.loaded_memberships() if hasattr(user, "loaded_memberships") else None
        if loaded is None:
            states = Membership.objects.filter(user=user, state=Membership.State.ACTIVE)
            member_of = set(states.values_list("community_id", flat=True))
        else:
            member_of = set(loaded)
    return [path for pk, path, live, private in rows if not live or (private and pk not in member_of)]


def visible_pages(queryset, user, *, request=None):
    """``queryset`` narrowed to the live pages ``user`` may see (:func:`can_view_page` for a set)."""
    from functools import reduce
    from operator import or_

    from django.db.models import Q

    queryset = queryset.live()
    paths = hidden_page_paths(user, request=request)
    if not paths:
        return queryset
    return queryset.exclude(reduce(or_, (Q(path__startswith=path) for path in paths)))

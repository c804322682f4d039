"""Wagtail hooks for the whole site: a page is served only to whoever may see it, and documents are
sent only after the viewer's rights are checked."""

from __future__ import annotations

from django.http import Http404
from wagtail import hooks

from boost.files import file_response, may_view_document
from boost.permissions import can_view_page, community_of, page_view_restrictions, restrictions_allow


@hooks.register("before_serve_page", order=-10)
def page_rights(page, request, serve_args, serve_kwargs):
    """The page itself asks :func:`boost.permissions.can_view_page`, as everything derived from it does.

    Outsiders get 404, as for a page that does not exist (Wagtail alone would send a signed-in
    outsider of a group restriction to the sign-in page, which tells them the page is there); a
    visitor to a sign-in-only page too, like every derived path. One restriction is a way in rather
    than a wall: a shared password the session has not given yet, where Wagtail's own hook shows its
    password form; derived paths answer 404 until it is given. A community page answers for its own
    privacy (members see it, outsiders a teaser or 404), so its community is not asked here.
    """
    from communities.models import CommunityPage

    if getattr(request, "is_preview", False):
        return None
    restrictions = page_view_restrictions(page)
    if page.alias_of_id is None:
        # Wagtail's own check runs next and would read the same rows again (BasePage.get_view_restrictions).
        page._restrictions_while_serving = restrictions
    community = None if isinstance(page, CommunityPage) else community_of(page)
    user = request.user
    if can_view_page(user, page, request=request, restrictions=restrictions, community=community):
        return None
    if page.live and _only_a_way_in_is_missing(user, restrictions, community, request):
        return None
    raise Http404("No such page")


def _only_a_way_in_is_missing(user, restrictions, community, request) -> bool:
    """Would the page open once the session gives a password?"""
    from wagtail.models import PageViewRestriction

    from communities.permissions import can_view_community

    walls = [r for r in restrictions if r.restriction_type != PageViewRestriction.PASSWORD]
    return (
        len(walls) < len(restrictions)
        and restrictions_allow(user, walls, request)
        and (community is None or can_view_community(user, community))
    )


@hooks.register("before_serve_document")
def serve_document_if_allowed(document, request):
    """``/documents/<id>/<name>``: the same rule and the same way of sending as ``/media/…``.

    An outsider gets the 404 of a missing document. Otherwise the answer is the file itself (streamed,
    or handed to the proxy with ``FILES_ACCEL``), so Wagtail's own sending code is never reached.
    """
    if not may_view_document(request.user, document, request=request):
        raise Http404("No such document")
    return file_response(
        request,
        document.file.name,
        filename=document.filename,
        attachment=document.content_disposition != "inline",
        content_type=document.content_type,
    )

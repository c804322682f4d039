"""Breadcrumbs: one trail for every page, built here and shown by ``includes/breadcrumbs.html``."""

from __future__ import annotations


def crumbs_for_page(page, request=None, *, include_page: bool = False) -> list[dict[str, str]]:
    """Breadcrumbs for a Wagtail page: its ancestors below the tree root, home first, and the
    page itself when something below it (a view that is not a page) is being shown.

    The same for every reader of the page, so read once per content generation (titles, slugs and
    moves all move it on; :mod:`boost.structure`) for each place in the tree and site."""
    from boost.structure import remembered, request_site

    site = request_site(request) if request is not None else None
    key = ("crumbs", page.path, include_page, site.pk if site is not None else None)
    return [dict(crumb) for crumb in remembered(key, lambda: _read_crumbs(page, request, include_page))]


def _read_crumbs(page, request, include_page: bool) -> list[dict[str, str]]:
    ancestors = page.get_ancestors(inclusive=include_page).filter(depth__gt=1)
    crumbs = []
    for ancestor in ancestors:
        url = ancestor.get_url(request=request)
        if url:
            crumbs.append({"url": url, "label": "Home" if ancestor.depth == 2 else ancestor.title})
    return crumbs

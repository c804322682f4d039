"""Breadcrumbs: one trail for every page, built here and shown by ``includes/breadcrumbs.html``."""

from __future__ import annotations


def crumbs_for_page(page, request=None, *, include_page: bool = False) -> list[dict[str, str]]:
    """Breadcrumbs for a Wagtail page: its ancestors below the tree root, home first, and the
    page itself when something below it (a view that is not a page) is being shown."""
    ancestors = page.get_ancestors(inclusive=include_page).filter(depth__gt=1)
    crumbs = []
    for ancestor in ancestors:
        url = ancestor.get_url(request=request)
        if url:
            crumbs.append({"url": url, "label": "Home" if ancestor.depth == 2 else ancestor.title})
    return crumbs

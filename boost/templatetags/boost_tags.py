"""Template helpers shared across apps."""

from __future__ import annotations

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def page_crumbs(context, page) -> list[dict[str, str]]:
    """Breadcrumbs for a Wagtail page: its ancestors below the tree root, home first."""
    request = context.get("request")
    crumbs = []
    for ancestor in page.get_ancestors().filter(depth__gt=1):
        url = ancestor.get_url(request=request)
        if url:
            crumbs.append({"url": url, "label": "Home" if ancestor.depth == 2 else ancestor.title})
    return crumbs


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def crumbs(*labels_and_urls: str) -> list[dict[str, str]]:
    """``{% crumbs "Home" "/" "Your dashboard" url as c %}``: breadcrumb items from label/URL pairs."""
    pairs = zip(labels_and_urls[::2], labels_and_urls[1::2], strict=True)
    return [{"label": label, "url": url} for label, url in pairs if url]

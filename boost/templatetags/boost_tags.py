"""Template helpers shared across apps."""

from __future__ import annotations

from django import template

from boost.breadcrumbs import crumbs_for_page

register = template.Library()


@register.simple_tag(takes_context=True)
def page_crumbs(context, page, include_page=False) -> list[dict[str, str]]:
    """``{% page_crumbs page as crumbs %}``; ``include_page=True`` for a view below the page."""
    return crumbs_for_page(page, context.get("request"), include_page=bool(include_page))


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None


@register.simple_tag
def crumbs(*labels_and_urls: str) -> list[dict[str, str]]:
    """``{% crumbs "Home" "/" "Your dashboard" url as c %}``: breadcrumb items from label/URL pairs."""
    pairs = zip(labels_and_urls[::2], labels_and_urls[1::2], strict=True)
    return [{"label": label, "url": url} for label, url in pairs if url]

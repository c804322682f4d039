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


@register.simple_tag(takes_context=True)
def editor_userbar(context):
    """Wagtail's user bar, on the pages the person may edit (and in previews), nowhere else.

    Wagtail shows it on every page to anyone who may open the admin, and it is the costliest thing
    on a signed-in page (about a third of its time, five queries: the person's admin profile twice,
    the page's parent, page permissions, workflow state). Facilitators may open the admin for their
    own community alone; the header's "Admin" link takes anyone there. So the bar is rendered where
    its edit, add and explore links can do something: one query (the person's page permissions,
    kept on them for the request) decides.
    """
    from wagtail.admin.templatetags.wagtailuserbar import get_page_instance, wagtailuserbar

    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.has_perm("wagtailadmin.access_admin"):
        return ""
    if not getattr(request, "is_preview", False):
        page = get_page_instance(context)
        if page is None or not page.pk:
            return ""
        if not user.is_superuser and not page.permissions_for_user(user).permissions:
            return ""
    return wagtailuserbar(context)

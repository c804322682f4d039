"""Navigation for the header and footer, built once per request."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site

from boost.structure import request_site


def _safe_reverse(name: str, default: str = "") -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return default


def _is_current(path: str, url: str) -> tuple[bool, bool]:
    if url == "/":
        return path == "/", path == "/"
    return path.startswith(url), path == url


def _cache_key(site: Site) -> str:
    return f"boost:site-links:{site.pk}"


def site_links(request: HttpRequest, site: Site) -> dict[str, list[dict[str, str]]]:
    """The menu and footer links of ``site``: cached, because every page shows them and they
    change only when pages are published, moved or removed, or the footer is edited."""
    links = cache.get(_cache_key(site))
    if links is not None:
        return links
    from boost.models import FooterLink

    root = site.root_page
    menu_pages: list[Page] = [root, *root.get_children().live().in_menu().specific(defer=True)]
    primary = [
        {
            "label": "Home" if page.pk == root.pk else page.title,
            "url": page.get_url(request=request, current_site=site) or "/",
        }
        for page in menu_pages
    ]
    # Not SiteSettings.for_site(): that creates the row, and reading a page must never write.
    footer = [
        {"label": link.label, "url": link.page.get_url(request=request, current_site=site)}
        for link in FooterLink.objects.filter(settings__site=site).select_related("page").order_by("sort_order")
        if link.page.live
    ]
    footer.append({"label": "Sitemap", "url": "/sitemap.xml"})
    # The privacy notice is always linked (UK GDPR), once: editors may already list it.
    privacy_url = reverse("privacy:notice")
    if not any(link["url"] == privacy_url for link in footer):
        footer.append({"label": "Privacy notice", "url": privacy_url})
    links = {"primary": primary, "footer": footer}
    cache.set(_cache_key(site), links, 60 * 60)
    return links


def forget_site_links(**kwargs) -> None:
    """Signal receiver: drop every site's cached links (there are only a handful of sites)."""
    cache.delete_many([_cache_key(site) for site in Site.objects.all()])


def build_navigation(request: HttpRequest) -> dict[str, Any]:
    """Home plus the home page's children marked "show in menus", then the account links."""
    site = request_site(request)
    links = site_links(request, site) if site is not None else {"primary": [], "footer": []}
    primary = []
    for link in links["primary"]:
        current, exact = _is_current(request.path, link["url"])
        primary.append({**link, "current": current, "exact": exact})
    account_links: list[dict[str, str]] = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        account_links.append({"label": "Profile", "url": reverse("accounts:profile_edit")})
        notifications_url = _safe_reverse("discussions:notifications")
        if notifications_url:
            account_links.append({"label": "Notifications", "url": notifications_url})
        if user.has_perm("wagtailadmin.access_admin"):
            account_links.append({"label": "Admin", "url": reverse("wagtailadmin_home")})
    return {
        "primary": primary,
        "account_links": account_links,
        "footer": links["footer"],
        "search_url": _safe_reverse("search:results", "/search/"),
        "suggest_url": _safe_reverse("search:suggest", ""),
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav": SimpleLazyObject(lambda: build_navigation(request))}

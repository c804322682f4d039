"""Navigation for the header and footer, built once per request."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import SimpleLazyObject
from wagtail.models import Page, Site


def _safe_reverse(name: str, default: str = "") -> str:
    try:
        return reverse(name)
    except NoReverseMatch:
        return default


def _is_current(path: str, url: str) -> tuple[bool, bool]:
    if url == "/":
        return path == "/", path == "/"
    return path.startswith(url), path == url


def build_navigation(request: HttpRequest) -> dict[str, Any]:
    """Home plus the home page's children marked "show in menus", then the account links."""
    site = Site.find_for_request(request)
    path = request.path
    primary: list[dict[str, Any]] = []
    if site is not None:
        root = site.root_page
        candidates: list[Page] = [root, *root.get_children().live().in_menu().specific(defer=True)]
        for page in candidates:
            url = page.get_url(request=request, current_site=site) or "/"
            current, exact = _is_current(path, url)
            primary.append(
                {"label": "Home" if page.pk == root.pk else page.title, "url": url, "current": current, "exact": exact}
            )
    account_links: list[dict[str, str]] = []
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        account_links.append({"label": "Profile", "url": reverse("accounts:profile_edit")})
        notifications_url = _safe_reverse("discussions:notifications")
        if notifications_url:
            account_links.append({"label": "Notifications", "url": notifications_url})
        if user.has_perm("wagtailadmin.access_admin"):
            account_links.append({"label": "Admin", "url": reverse("wagtailadmin_home")})
    footer: list[dict[str, str]] = []
    if site is not None:
        from boost.models import SiteSettings

        site_settings = SiteSettings.for_request(request)
        for link in site_settings.footer_links.select_related("page"):
            footer.append({"label": link.label, "url": link.page.get_url(request=request, current_site=site)})
    footer.append({"label": "Sitemap", "url": "/sitemap.xml"})
    return {
        "primary": primary,
        "account_links": account_links,
        "footer": footer,
        "search_url": _safe_reverse("search:results", "/search/"),
        "suggest_url": _safe_reverse("search:suggest", ""),
    }


def navigation(request: HttpRequest) -> dict[str, Any]:
    return {"nav": SimpleLazyObject(lambda: build_navigation(request))}

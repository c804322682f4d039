from django.conf import settings
from django.contrib import admin
from django.shortcuts import redirect
from django.templatetags.static import static
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from boost import files, health, structure


def _favicon(request):
    return redirect(static("wagtailnhsukfrontend/favicons/favicon.ico"), permanent=True)


def _to_allauth_login(request):
    """Django admin's login goes through allauth: one rate-limited, MFA-aware door."""
    from urllib.parse import urlencode

    return redirect(f"/accounts/login/?{urlencode({'next': request.GET.get('next', '/admin/')})}")


admin.site.login = _to_allauth_login

# allauth looks here for the page it answers its own rate limits with; Boost's limits use it too.
handler429 = "boost.ratelimit.handler429"

urlpatterns = [
    path("health/", health.health, name="health"),
    path("admin/login/", _to_allauth_login),
    path("admin/", include(wagtailadmin_urls)),
    path("django-admin/", admin.site.urls),
    path("documents/", include(wagtaildocs_urls)),
    path("accounts/", include("allauth.urls")),
    path("", include("accounts.urls")),
    path("communities/", include("communities.urls")),
    path("improvement/", include("projects.urls")),
    path("search/", include("search.urls")),
    path("maps/", include("ecomaps.urls")),
    path("learning/", include("learning.urls")),
    path("", include("discussions.urls")),
    path("", include("privacy.urls")),
    path("", include("people.urls")),
    path("", include("api.urls")),
    path("analytics/", include("analytics.urls")),
    path("sitemap.xml", sitemap),
    # Browsers and crawlers ask for /favicon.ico whatever the page links; send them to the icon.
    path("favicon.ico", _favicon),
]

# Every upload (avatars, images and their renditions, documents) goes through a view that checks
# the viewer's rights first, in every setting; the proxy only ever sends what the app has allowed
# (FILES_ACCEL). Nothing serves MEDIA_ROOT raw.
urlpatterns += [
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", files.media, name="media"),
    # Wagtail's own URLs, its page view handed the site looked up once per content generation
    # (boost.structure.serve, same pattern and name).
    *[pattern for pattern in wagtail_urls.urlpatterns if getattr(pattern, "name", None) != "wagtail_serve"],
    re_path(wagtail_urls.serve_pattern, structure.serve, name="wagtail_serve"),
]

"""The home page and site chrome: NHS.UK layout, security headers, constant query counts."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_home_page_renders_nhsuk_chrome(client):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    for marker in ["nhsuk-skip-link", "nhsuk-header", "nhsuk-footer", 'id="maincontent"', 'lang="en-GB"']:
        assert marker in html


def test_security_headers(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    # No inline script on the public pages (they may be cached, and a nonce must never repeat).
    assert "script-src 'self';" in csp and "'nonce-" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    policy = response.headers["Permissions-Policy"]
    assert "camera=()" in policy and "geolocation=()" in policy and "microphone=()" in policy
    # Passkeys must keep working for Boost's own sign-in.
    assert "publickey-credentials-get=(self)" in policy


def test_unknown_page_is_a_styled_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_home_page_query_count_is_constant(client, django_assert_max_num_queries, member):
    # Anonymous and signed-in visitors; sections added by later features must keep this bounded.
    client.get("/")  # warm the per-site link cache and Wagtail's site root paths
    # 13: the page's own view restrictions and community (boost.wagtail_hooks.page_rights), and the
    # restrictions and private communities the write-up listings leave out, looked up once per request.
    with django_assert_max_num_queries(13):
        assert client.get("/").status_code == 200
    client.force_login(member)
    # 21: the header's notification bell counts unread notifications (one query on every signed-in page),
    # and the same look-ups as above for a signed-in person.
    with django_assert_max_num_queries(21):
        assert client.get("/").status_code == 200


def test_menu_follows_publishing_despite_the_link_cache(client, home_page):
    from boost.models import StandardPage

    client.get("/")  # caches the menu
    page = StandardPage(title="Getting started", slug="getting-started", show_in_menus=True)
    home_page.add_child(instance=page)
    page.save_revision().publish()
    assert "Getting started" in client.get("/").content.decode()
    page.unpublish()
    assert "Getting started" not in client.get("/").content.decode()


def test_footer_links_the_privacy_notice_once(client, home_page):
    from wagtail.models import Site

    from boost.models import FooterLink, SiteSettings, StandardPage

    def privacy_links() -> int:
        return client.get("/").content.decode().count('class="nhsuk-footer__list-item-link" href="/privacy/"')

    assert privacy_links() == 1  # always linked, even with no footer links set up
    notice = StandardPage(title="Privacy notice", slug="privacy")  # at /privacy/, as in the demo
    home_page.add_child(instance=notice)
    notice.save_revision().publish()
    settings = SiteSettings.objects.create(site=Site.objects.get(is_default_site=True))
    FooterLink.objects.create(settings=settings, label="Privacy notice", page=notice)
    assert privacy_links() == 1  # the editors' link, not a second one


def test_nhsuk_frontend_is_told_the_browser_is_supported():
    # nhsuk-frontend 10's initAll() refuses to start any component (the header's "More" menu,
    # buttons, checkboxes) unless the body is marked as supported before it runs.
    from pathlib import Path

    from django.conf import settings

    script = (Path(settings.BASE_DIR) / "static" / "js" / "nhsuk-init.js").read_text()
    assert script.index('"nhsuk-frontend-supported"') < script.index("initAll();")

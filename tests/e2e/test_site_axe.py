"""Every page the crawl reaches, in Chromium with axe-core (WCAG 2.2 AA): 0 violations.

The crawl runs as an outsider, a member and a facilitator over the demo content, so each new
page type is scanned as soon as it is linked from somewhere.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.crawl import crawl, forms_with_errors, load_demo_content, load_known_pages, recently_signed_in, status_pages
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VISITORS = [None, "tom.hughes@boost.localhost", "nia.evans@boost.localhost", "curator@boost.localhost"]


def _scan_as_served(page, crawled) -> list[dict]:
    """A page only a POST or a state shows (a form with its errors, the 429 page): the HTML the
    Django client got is served at its URL, so its styles and scripts load from the live server."""
    url = crawled.url.split(" ", 1)[0]

    def this_page(address: str) -> bool:
        parts = urlsplit(address)
        return parts.path + (f"?{parts.query}" if parts.query else "") == url

    page.route(
        this_page,
        lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=crawled.html),
    )
    page.goto(url)
    page.unroute(this_page)
    return axe_violations(page)


def test_every_crawled_page_has_no_axe_violations(browser, live_server):
    load_demo_content()
    known = load_known_pages()
    problems: list[str] = []
    scanned = 0
    for email in VISITORS:
        client = Client()
        context = browser.new_context(base_url=live_server.url)
        if email:
            client.force_login(User.objects.get(email=email))
            recently_signed_in(client)
            host = live_server.url.split("//", 1)[1].split(":")[0]
            context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                        "domain": host,
                        "path": "/",
                    }
                ]
            )
        page = context.new_page()
        for crawled in forms_with_errors(client, email):
            scanned += 1
            for violation in _scan_as_served(page, crawled):
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{email or 'anonymous'} {crawled.url}: {violation['id']} {targets}")
        for crawled in crawl(client, limit=45, also=known.get(email, [])):
            if not crawled.html or (crawled.status >= 400 and crawled.status != 404):
                continue
            page.goto(crawled.url)
            scanned += 1
            for violation in axe_violations(page):
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{email or 'anonymous'} {crawled.url}: {violation['id']} {targets}")
        context.close()
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    for crawled in status_pages(Client):
        scanned += 1
        for violation in _scan_as_served(page, crawled):
            targets = [node["target"] for node in violation["nodes"]][:3]
            problems.append(f"{crawled.url}: {violation['id']} {targets}")
    context.close()
    assert scanned > 20
    assert not problems, "\n".join(problems)

"""Every page the crawl reaches, in Chromium with axe-core (WCAG 2.2 AA): 0 violations.

The crawl runs as an outsider, a member and a facilitator over the demo content, so each new
page type is scanned as soon as it is linked from somewhere.
"""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from accounts.models import User
from tests.crawl import crawl, load_demo_content
from tests.e2e.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

VISITORS = [None, "tom.hughes@boost.localhost", "nia.evans@boost.localhost"]


def test_every_crawled_page_has_no_axe_violations(browser, live_server):
    load_demo_content()
    problems: list[str] = []
    scanned = 0
    for email in VISITORS:
        client = Client()
        context = browser.new_context(base_url=live_server.url)
        if email:
            client.force_login(User.objects.get(email=email))
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
        for crawled in crawl(client, limit=45):
            if not crawled.html or (crawled.status >= 400 and crawled.status != 404):
                continue
            page.goto(crawled.url)
            scanned += 1
            for violation in axe_violations(page):
                targets = [node["target"] for node in violation["nodes"]][:3]
                problems.append(f"{email or 'anonymous'} {crawled.url}: {violation['id']} {targets}")
        context.close()
    assert scanned > 20
    assert not problems, "\n".join(problems)

"""The people picker's states in Chromium with axe-core (WCAG 2.2 AA): results, chosen people with
their "Remove" buttons, nobody found, and the group-size error (a 400 page the crawl skips)."""

from __future__ import annotations

import pytest

from tests.discussions.test_people_picker import _person
from tests.e2e.conftest import axe_violations, sign_in_with_session
from tests.factories.discussions import join, make_community

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_picker_states_have_no_axe_violations(browser, live_server, member, user_factory, settings):
    settings.DIRECT_MESSAGES_MAX_PARTICIPANTS = 3
    community = make_community(title="Falls prevention")
    join(member, community)
    ann = _person(user_factory, "Zephyr Ann", community, organisation="Leeds Teaching Hospitals")
    bea = _person(user_factory, "Zephyr Bea", community)
    cat = _person(user_factory, "Zephyr Cat", community)
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    sign_in_with_session(page, member, live_server.url)
    problems = []
    states = [
        "/messages/new/",
        "/messages/new/?q=zephyr",
        f"/messages/new/?to={ann.pk}&q=zephyr",
        "/messages/new/?q=nobody-by-this-name",
        f"/messages/new/?to={ann.pk}&q=zephyr&add={bea.pk}&add={cat.pk}",  # over the limit: 400
    ]
    for url in states:
        response = page.goto(url)
        assert response.status in (200, 400), url
        problems += [f"{url}: {v['id']} {[n['target'] for n in v['nodes']][:3]}" for v in axe_violations(page)]
    assert page.locator(".nhsuk-error-summary").count() == 1
    context.close()
    assert not problems, "\n".join(problems)

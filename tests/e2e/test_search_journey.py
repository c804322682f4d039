"""Search in the browser: facets narrow results, a private community shows only to its member,
suggestions work as a combobox, the form works without JavaScript, and axe finds nothing."""

from __future__ import annotations

import pytest

from search.backends.database import DatabaseBackend
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories.accounts import PASSWORD, user_with_role
from tests.factories.search import join, make_community
from tests.search.corpus import CORPUS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_search_with_facets_and_accessible_results(page):
    DatabaseBackend().index(CORPUS)
    page.goto("/search/?q=discharge")
    assert_accessible(page)
    heading = page.locator("#results-heading").inner_text()
    assert "results for" in heading
    page.get_by_label("Project write-up").check()
    page.get_by_role("group", name="Care setting").get_by_label("Acute").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    assert "3 results" in page.locator("#results-heading").inner_text()
    labels = page.locator(".boost-search-result .nhsuk-tag").all_inner_texts()
    assert labels and set(labels) == {"Project write-up"}
    assert page.locator("mark").count() > 0
    assert_accessible(page)
    page.get_by_role("link", name="newest").click()
    page.wait_for_load_state()
    assert "sort=newest" in page.url
    assert "3 results" in page.locator("#results-heading").inner_text()


def test_private_community_is_found_only_by_its_member(page):
    member = user_with_role("Member")
    private = make_community("Night owls circle", purpose="Sharing zanzibar rota tips.", is_private=True)
    join(member, private)
    page.goto("/search/?q=zanzibar")
    assert "No results" in page.locator("#results-heading").inner_text()
    assert page.get_by_role("link", name="Night owls circle").count() == 0
    log_in(page, member.email, PASSWORD)
    page.goto("/search/?q=zanzibar")
    assert "1 result" in page.locator("#results-heading").inner_text()
    assert page.get_by_role("link", name="Night owls circle").count() == 1
    assert_accessible(page)


def test_header_suggestions_combobox(page):
    make_community("Frailty friends", purpose="Older people living with frailty.")
    page.goto("/")
    box = page.get_by_role("combobox", name="Search Boost")
    box.fill("frail")
    option = page.get_by_role("option", name="Frailty friends Community")
    option.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    assert option.get_attribute("aria-selected") == "true"
    assert_accessible(page)
    box.press("Enter")
    page.wait_for_url("**/frailty-friends/")
    assert not page.js_errors


def test_search_works_without_javascript(nojs_page):
    make_community("Dysphagia network", purpose="Swallowing difficulties after stroke.")
    nojs_page.goto("/")
    nojs_page.get_by_label("Search Boost").fill("swallowing")
    nojs_page.get_by_label("Search Boost").press("Enter")
    nojs_page.wait_for_load_state()
    assert "/search/?q=swallowing" in nojs_page.url
    assert nojs_page.get_by_role("link", name="Dysphagia network").count() == 1


def test_filters_fold_on_a_phone_and_stay_open_on_a_wide_screen(page):
    DatabaseBackend().index(CORPUS)
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto("/search/?q=discharge")
    filters = page.locator("[data-boost-filters]")
    assert filters.evaluate("el => el.open") is False
    assert not page.get_by_role("button", name="Apply filters").is_visible()
    skip = page.get_by_role("link", name="Skip to the results")
    assert skip.is_visible()
    assert_accessible(page)
    page.get_by_text("Show or hide the filters").click()
    page.get_by_label("Project write-up").check()
    page.get_by_role("button", name="Apply filters").click()
    page.wait_for_load_state()
    # Just filtered: the choices stay in view.
    assert filters.evaluate("el => el.open") is True
    assert page.get_by_label("Project write-up").is_checked()
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto("/search/?q=discharge")
    assert filters.evaluate("el => el.open") is True
    assert not page.get_by_text("Show or hide the filters").is_visible()
    assert not skip.is_visible()
    assert page.get_by_role("button", name="Apply filters").is_visible()

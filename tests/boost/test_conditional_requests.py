"""Conditional requests beyond the anonymous cache (whose own 304s are in test_page_cache.py).

Django's ConditionalGetMiddleware gives every page and the data CSV an ETag of the body sent, so a
reader's cached copy is answered with 304 while it is current, cache on or off, and never once the
content has changed. A signed-in person's pages carry a CSRF token masked afresh on every render
(Django's defence against BREACH), so their tags differ each time and only their downloads, such as
the CSV, revalidate.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from projects import services
from tests.factories.projects import make_measure, make_project

pytestmark = pytest.mark.django_db


def revalidate(client: Client, url: str) -> str:
    """The ETag of ``url``, after checking that it answers 304 to itself and 200 to another."""
    first = client.get(url)
    assert first.status_code == 200
    etag = first["ETag"]
    again = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304, url
    assert again.content == b""
    assert client.get(url, HTTP_IF_NONE_MATCH='"not-this-one"').status_code == 200
    return etag


def test_the_csv_and_a_page_revalidate_until_the_data_changes(member, settings):
    settings.PAGE_CACHE_SECONDS = 0
    project = make_project(member, title="Home by lunchtime")
    measure = make_measure(project, [30, 28, 31])
    csv_url = f"/improvement/{project.pk}/measures/{measure.pk}/data.csv"
    client = Client()
    client.force_login(member)
    page_etag = revalidate(Client(), project.url)
    csv_etag = revalidate(client, csv_url)

    services.add_data_point(user=member, measure=measure, when=date(2024, 1, 1), value=Decimal("12"))

    changed = client.get(csv_url, HTTP_IF_NONE_MATCH=csv_etag)
    assert changed.status_code == 200
    assert "2024-01-01" in changed.content.decode()
    assert changed["ETag"] != csv_etag
    assert Client().get(project.url, HTTP_IF_NONE_MATCH=page_etag).status_code == 200  # the chart moved
    assert page_etag != revalidate(Client(), project.url)

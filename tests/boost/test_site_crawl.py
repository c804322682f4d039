"""Crawl the demo site as an outsider, a member and a curator: no server errors, valid HTML."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from accounts.models import User
from tests.crawl import crawl, forms_with_errors, load_demo_content, load_known_pages, recently_signed_in, status_pages

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
VNU = ROOT / ".local" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"

VISITORS = [None, "tom.hughes@boost.localhost", "nia.evans@boost.localhost", "curator@boost.localhost"]


@pytest.fixture
def crawled(client):
    load_demo_content()
    known = load_known_pages()
    results = {}
    for email in VISITORS:
        client.logout()
        if email:
            client.force_login(User.objects.get(email=email))
            recently_signed_in(client)
        results[email or "anonymous"] = crawl(client, limit=80, also=known.get(email, []))
        results[email or "anonymous"] += forms_with_errors(client, email)
    results["by state"] = status_pages(type(client))
    return results


def test_no_page_is_a_server_error(crawled):
    failures = [(who, page.url, page.status) for who, pages in crawled.items() for page in pages if page.status >= 500]
    assert not failures
    assert sum(len(pages) for pages in crawled.values()) > len(VISITORS) * 5


def test_every_page_is_valid_html(crawled, tmp_path):
    if shutil.which("java") is None or not VNU.exists():
        pytest.skip(
            "Nu HTML checker not available (needs Java and .local/vnu from ./bin/boost setup): HTML not validated"
        )
    files = []
    for who, pages in crawled.items():
        for index, page in enumerate(pages):
            if page.html:
                path = tmp_path / f"{who.split('@')[0]}-{index}.html"
                path.write_text(page.html)
                files.append((path, f"{who} {page.url}"))
    result = subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *[str(path) for path, _ in files]],
        capture_output=True,
        text=True,
        timeout=600,
    )
    messages = json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]
    where = {path.as_uri().replace("file:///", "file:/"): label for path, label in files}
    errors = [f"{where.get(m.get('url'), m.get('url'))}: line {m.get('lastLine')}: {m['message']}" for m in messages]
    assert not errors, "\n".join(errors[:40])

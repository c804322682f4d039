"""A first visit to the home page: at most 150 KB on the wire, and no render-blocking JavaScript.

Measured with the real build: ``collectstatic`` into a scratch directory with the project's storage
(WhiteNoise's hashed, precompressed files), then every asset the page reaches fetched through the
same middleware that serves it (``boost.static``) with a browser's ``Accept-Encoding``, so the sizes
are those of the variants WhiteNoise sends (gzip: brotli is not installed). The HTML is the page
cache's gzipped copy, as an anonymous first visitor gets it.

Reached means what a browser fetches to show the page: stylesheets, the scripts and the modules
they import, one favicon (the SVG, which every current browser takes over the ICO), images, and the
fonts the stylesheets declare. The NHS.UK frontend's Frutiger fonts come from assets.nhs.uk, not
from Boost, and cannot be fetched here; they are counted at an allowance per file (the woff2 files
are about 20-25 KB; see FONT_ALLOWANCE).
"""

from __future__ import annotations

import gzip
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from tests.factories.communities import add_member, make_community, make_event
from tests.factories.projects import make_priority, make_project

pytestmark = pytest.mark.django_db

BUDGET_BYTES = 150 * 1024
# Bytes counted for each web font fetched from another origin (an upper bound, not a measurement).
FONT_ALLOWANCE = 30 * 1024
BROWSER = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br, zstd"}
# Static trees no public page uses (the admin's); left out of the build to keep the test quick.
# A page that did use one would fail here: the manifest would have no entry for it.
NOT_PUBLIC = ["admin", "wagtailadmin", "wagtaildocs", "wagtailimages", "wagtailsnippets", "wagtailembeds"]


@pytest.fixture(scope="module")
def built_static(tmp_path_factory):
    root = tmp_path_factory.mktemp("static")
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": "boost.storage.StaticFilesStorage"}}
    with override_settings(STATIC_ROOT=root, STORAGES=storages):
        call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=NOT_PUBLIC)
        yield root


class Resources(HTMLParser):
    """What a page asks the browser to fetch, and its scripts' attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.stylesheets: list[str] = []
        self.icons: list[tuple[str, str]] = []
        self.images: list[str] = []
        self.scripts: list[dict] = []
        self.in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "head":
            self.in_head = True
        elif tag == "body":
            self.in_head = False
        elif tag == "link" and "stylesheet" in (attrs.get("rel") or "").split():
            self.stylesheets.append(attrs["href"])
        elif tag == "link" and "icon" in (attrs.get("rel") or "").split():
            self.icons.append((attrs["href"], attrs.get("type") or ""))
        elif tag == "img" and attrs.get("src"):
            self.images.append(attrs["src"])
        elif tag == "script":
            self.scripts.append({**attrs, "in_head": self.in_head})


def fetch(client: Client, url: str) -> tuple[bytes, str]:
    response = client.get(urlsplit(url).path, **BROWSER)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if response.has_header("Content-Length"):
        assert int(response["Content-Length"]) == len(body)
    plain = gzip.decompress(body) if response.get("Content-Encoding") == "gzip" else body
    return body, plain.decode(errors="replace")


def module_imports(source: str) -> list[str]:
    """Static imports of an ES module (what the browser fetches before running it)."""
    return re.findall(r"""\bimport\s*(?:[^"'();]*?\bfrom\s*)?["']([^"']+)["']""", source)


def font_urls(css: str) -> list[str]:
    """The first source of every @font-face: the one a current browser (woff2) fetches."""
    return re.findall(r"@font-face\s*{[^}]*?src:\s*url\(([^)]+)\)", css)


def first_visit(client: Client) -> tuple[dict[str, int], Resources]:
    """Bytes on the wire per URL for a first visit to the home page, and what the page asked for."""
    transfer: dict[str, int] = {}
    client.get("/", **BROWSER)  # the page cache keeps the page; the visitor then gets its gzipped copy
    html_response = client.get("/", **BROWSER)
    assert html_response["Content-Encoding"] == "gzip"
    transfer["/"] = len(html_response.content)
    page = Resources()
    page.feed(gzip.decompress(html_response.content).decode())
    svg_icons = [href for href, kind in page.icons if kind == "image/svg+xml"]
    queue = [*page.stylesheets, *(s["src"] for s in page.scripts if s.get("src")), *page.images, *svg_icons[:1]]
    while queue:
        url = queue.pop(0)
        if url in transfer:
            continue
        if urlsplit(url).netloc:
            assert url.endswith(".woff2"), f"a resource from another origin: {url}"
            transfer[url] = FONT_ALLOWANCE
            continue
        body, text = fetch(client, url)
        transfer[url] = len(body)
        if url.endswith(".css"):
            queue += [u if urlsplit(u).netloc else urljoin(url, u) for u in font_urls(text)]
            queue += [urljoin(url, u) for u in re.findall(r"url\((?!data:)['\"]?([^)'\"]+)", text) if "font" not in u]
        elif url.endswith(".js"):
            queue += [urljoin(url, u) for u in module_imports(text)]
    return transfer, page


def test_first_visit_to_home_is_within_150_kb_and_no_script_blocks_rendering(built_static, member, settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP = tmp_path / "generation"
    priority = make_priority("Timely discharge")
    for i in range(6):
        community = make_community(f"Frailty network {i}")
        add_member(member, community)
        make_event(community, title=f"Discharge huddle {i}", days=i + 1)
        make_project(member, title=f"Home by lunchtime {i}", priorities=[priority])

    transfer, page = first_visit(Client())
    total = sum(transfer.values())
    report = "\n".join(f"{size:>8,} {url}" for url, size in sorted(transfer.items(), key=lambda kv: -kv[1]))
    print(f"\nfirst visit to /: {total:,} bytes\n{report}")

    # The build was used: hashed names, so a far-future cache holds them on the next visit.
    assert any(re.search(r"\.[0-9a-f]{12}\.css$", url) for url in transfer), transfer
    assert any(re.search(r"\.[0-9a-f]{12}\.js$", url) for url in transfer), transfer
    # Everything the home page styles and runs with was counted, modules included.
    assert any("nhsuk-frontend" in url and url.endswith(".js") for url in transfer), transfer
    assert sum(1 for url in transfer if url.endswith(".woff2")) == 2, transfer
    assert total <= BUDGET_BYTES, report

    # No script holds up rendering: each is a module or deferred (or async); none is inline.
    assert page.scripts
    for script in page.scripts:
        assert script.get("src"), f"an inline script: {script}"
        deferred = script.get("type") == "module" or "defer" in script or "async" in script
        assert deferred, f"a render-blocking script: {script}"


def test_the_budget_counts_what_the_build_serves(built_static):
    """The sizes counted are WhiteNoise's compressed variants of the hashed files, not the sources."""
    stylesheet = next(Path(built_static, "wagtailnhsukfrontend", "css").glob("nhsuk-frontend-*.min.*.css"))
    url = settings.STATIC_URL + str(stylesheet.relative_to(built_static))
    with override_settings(STATIC_ROOT=built_static):
        body, text = fetch(Client(), url)
    assert len(body) == Path(f"{stylesheet}.gz").stat().st_size < stylesheet.stat().st_size / 4
    assert "@font-face" in text

"""Follow every internal link from the home page, as a given visitor, with Django's test client.

Used by the site-wide checks: no page answers 5xx, every page is valid HTML (Nu checker) and
passes axe-core. Demo content gives the crawl something realistic to walk through.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urldefrag, urljoin, urlsplit

from django.core.management import call_command

SKIP_PREFIXES = ("/admin/", "/django-admin/", "/static/", "/media/", "/documents/", "/accounts/logout/")
SKIP_SUFFIXES = (".ics", ".csv", ".xml", ".json", ".png", ".svg")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.hrefs.append(href)


@dataclass
class CrawledPage:
    url: str
    status: int
    html: str


def load_demo_content() -> None:
    call_command("load_demo", "--quiet", "--password", "crawl-password-123")


def crawl(client, *, start: str = "/", limit: int = 120) -> list[CrawledPage]:
    """Breadth-first over same-site links; query strings are kept only for the first of each path."""
    seen_paths: set[str] = set()
    queue: deque[str] = deque([start])
    pages: list[CrawledPage] = []
    while queue and len(pages) < limit:
        url = queue.popleft()
        path = urlsplit(url).path
        if path in seen_paths:
            continue
        seen_paths.add(path)
        response = client.get(url)
        if response.status_code in (301, 302):
            continue
        content_type = response.headers.get("Content-Type", "")
        html = response.content.decode() if "text/html" in content_type else ""
        pages.append(CrawledPage(url=url, status=response.status_code, html=html))
        if not html:
            continue
        parser = _Links()
        parser.feed(html)
        for href in parser.hrefs:
            absolute, _ = urldefrag(urljoin(url, href))
            parts = urlsplit(absolute)
            if parts.scheme not in ("", "http") or parts.netloc not in ("", "testserver"):
                continue
            if parts.path.startswith(SKIP_PREFIXES) or parts.path.endswith(SKIP_SUFFIXES):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if parts.path not in seen_paths:
                queue.append(target)
    return pages

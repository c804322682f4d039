"""What the home page shows: each content app contributes a section through a hook.

The home page must not import the content apps (they build on it), so each app registers a
``boost_home_sections`` Wagtail hook returning a dict ``{"key", "title", "template", "items", "order"}``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from wagtail import hooks


def home_sections(request: HttpRequest) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for hook in hooks.get_hooks("boost_home_sections"):
        section = hook(request)
        if section:
            sections.append(section)
    return sorted(sections, key=lambda section: section.get("order", 100))

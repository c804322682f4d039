"""Search in the Wagtail admin (editable synonyms) and the /health/ probe."""

from __future__ import annotations

from typing import Any

from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from search import backends
from search.models import SearchSynonym


class SearchSynonymViewSet(SnippetViewSet):
    model = SearchSynonym
    icon = "search"
    menu_label = "Search synonyms"
    add_to_admin_menu = False
    list_display = ["terms", "note"]
    search_fields = ["terms", "note"]


register_snippet(SearchSynonymViewSet)


@hooks.register("boost_search_health")
def search_health() -> dict[str, Any]:
    """Raises when the engine cannot answer; /health/ then reports search as an error."""
    return backends.get_backend().health()

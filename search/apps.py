from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        from search import documents, signals  # noqa: F401 - registers the document types

        signals.connect_all()
        signals.connect_synonym_cache()

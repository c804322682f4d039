from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics for leaders"

    def ready(self) -> None:
        from analytics import cache

        cache.connect()

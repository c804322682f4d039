from django.apps import AppConfig
from django.core import checks


class BoostConfig(AppConfig):
    name = "boost"
    verbose_name = "Boost site"

    def ready(self) -> None:
        from boost import converters, signals

        converters.register()
        signals.connect()
        checks.register(check_rate_limits)


def check_rate_limits(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """A mistyped RATE_LIMIT_* variable stops start-up instead of failing on the first request."""
    from django.conf import settings

    from boost.ratelimit import parse_rate

    errors = []
    for action, text in getattr(settings, "RATE_LIMITS", {}).items():
        try:
            parse_rate(text)
        except ValueError as exc:
            errors.append(checks.Error(f"RATE_LIMITS[{action!r}]: {exc}", id="boost.E001"))
    return errors

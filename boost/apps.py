from django.apps import AppConfig


class BoostConfig(AppConfig):
    name = "boost"
    verbose_name = "Boost site"

    def ready(self) -> None:
        from boost import converters, signals

        converters.register()
        signals.connect()

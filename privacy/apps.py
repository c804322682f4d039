from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = "Data rights and privacy"

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        # Each app says what it holds about a person in its own ``data_export`` module.
        autodiscover_modules("data_export")

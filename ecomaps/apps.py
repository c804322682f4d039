from django.apps import AppConfig


class EcomapsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ecomaps"
    verbose_name = "Eco-maps"

"""Websocket routes gathered from the apps that serve them."""

from importlib import import_module

from django.apps import apps

websocket_urlpatterns = []
for app_config in apps.get_app_configs():
    try:
        module = import_module(f"{app_config.name}.routing")
    except ModuleNotFoundError as exc:
        if exc.name != f"{app_config.name}.routing":
            raise
        continue
    if module.__name__ != __name__:
        websocket_urlpatterns += getattr(module, "websocket_urlpatterns", [])

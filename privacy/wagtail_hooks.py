"""Data rights in the Wagtail admin: the data-request screen (admins only) and its audit actions."""

from __future__ import annotations

from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from privacy import services
from privacy.admin_views import DataRequestView


@hooks.register("register_admin_urls")
def register_data_request_url():
    return [path("data-requests/", DataRequestView.as_view(), name="privacy_data_requests")]


class AdminOnlyMenuItem(MenuItem):
    def is_shown(self, request) -> bool:
        return services.is_data_admin(request.user)


@hooks.register("register_settings_menu_item")
def register_data_request_menu_item():
    return AdminOnlyMenuItem("Data requests", reverse("privacy_data_requests"), icon_name="lock", order=900)


@hooks.register("register_log_actions")
def register_data_request_actions(actions) -> None:
    actions.register_action("privacy.export", "Data export for a request", "Prepared a data export for a request")
    actions.register_action("privacy.close", "Account closed on request", "Closed an account on request")
    actions.register_action("privacy.erase", "Account erased on request", "Erased an account on request")

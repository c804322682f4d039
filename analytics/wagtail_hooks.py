"""Admins reach the leaders' dashboard from the Wagtail admin menu (the dashboard itself is on the site)."""

from django.urls import reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from analytics.views import may_see_analytics


class AnalyticsMenuItem(MenuItem):
    def is_shown(self, request):
        return may_see_analytics(request.user)


@hooks.register("register_admin_menu_item")
def analytics_menu_item():
    return AnalyticsMenuItem("Analytics", reverse("analytics:dashboard"), icon_name="table", order=250)

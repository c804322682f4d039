"""Websocket routes (collected by boost/routing.py)."""

from django.urls import path

from discussions import consumers

websocket_urlpatterns = [
    path("ws/discussions/thread/<id:thread_id>/", consumers.ThreadConsumer.as_asgi()),
    path("ws/discussions/community/<id:community_id>/", consumers.CommunityConsumer.as_asgi()),
    path("ws/notifications/", consumers.NotificationConsumer.as_asgi()),
]

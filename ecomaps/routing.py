"""Websocket routes (collected by boost/routing.py, beside the discussions' own)."""

from django.urls import path

from ecomaps import consumers

websocket_urlpatterns = [
    path("ws/maps/<id:map_id>/", consumers.MapConsumer.as_asgi()),
]

"""Boost's ASGI application with static files served, for uvicorn in browser and fault tests."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.discussions.live_settings")

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from boost.asgi import application as boost_application

application = ASGIStaticFilesHandler(boost_application)

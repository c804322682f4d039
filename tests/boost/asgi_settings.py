"""Live-server settings for tests/boost/test_asgi_disconnect.py: Boost's URLs plus its probe view."""

from tests.discussions.live_settings import *  # noqa: F403

ROOT_URLCONF = "tests.boost.asgi_urls"

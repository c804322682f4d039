"""Rate limits for actions that reach other people or cost the site real work.

An invitation emails any address, a proposal, a join request, a flag or a message to a write-up's
team lands in someone's inbox or queue, and a search runs the engine: each is cheap to send in a
loop. Each such action has a budget, ``"<count>/<period>"`` in ``settings.RATE_LIMITS`` (read
from the environment, see the README), counted per signed-in person or, when signed out, per
IP address.

The counter is a fixed window in Django's cache: ``cache.add`` creates the window's counter
only if it is missing and ``cache.incr`` adds one, and both are atomic on the local-memory cache
and on Redis, so two requests at once can never both take the last place. The window number
is part of the key, so the time left in it is exactly when to try again (``Retry-After``). When
the cache is unreachable the limits fail open (``boost.cache``): spam is a nuisance, an outage
that blocks everyone is worse.

Services call :func:`consume` just before they store or send anything, so a refused attempt
changes nothing. It raises :class:`RateLimited`; :class:`RateLimitMiddleware` turns that into
the 429 page (``templates/429.html``) for any view, and the discussion socket into an error event.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from http import HTTPStatus

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from boost.middleware import DualModeMiddleware

# What each limited action is, in words for the 429 page ("you can … up to N times an hour").
ACTIONS: dict[str, str] = {
    "invitations": "send invitations",
    "community_proposals": "propose communities",
    "flags": "flag messages",
    "join_requests": "ask to join communities",
    "contact_team": "contact write-up teams",
    "nominations": "nominate people or ask managers to confirm time",
    "anonymous_search": "search while signed out",
    "anonymous_suggest": "ask for search suggestions while signed out",
    "api_ip": "call the API from one address",
    "api_token": "call the API with one token",
}

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True)
class Rate:
    """At most ``count`` actions in each window of ``seconds``."""

    count: int
    seconds: int

    @property
    def period(self) -> str:
        """The window in words: "a minute", "an hour", "15 minutes"."""
        for unit, name in ((86400, "day"), (3600, "hour"), (60, "minute"), (1, "second")):
            if self.seconds % unit == 0:
                amount = self.seconds // unit
                if amount == 1:
                    return f"an {name}" if name == "hour" else f"a {name}"
                return f"{amount} {name}s"
        return f"{self.seconds} seconds"  # pragma: no cover - every whole number matches "second"


def parse_rate(text: str) -> Rate | None:
    """``"20/h"``, ``"5/10m"``, ``"100/d"`` → :class:`Rate`; ``""`` or ``"0"`` → None (no limit)."""
    text = (text or "").strip()
    if text in {"", "0"}:
        return None
    count, _, period = text.partition("/")
    if not period or period[-1] not in _UNITS:
        raise ValueError(f"rate {text!r} is not like 20/h, 5/10m or 100/d")
    multiple = int(period[:-1]) if period[:-1] else 1
    rate = Rate(count=int(count), seconds=multiple * _UNITS[period[-1]])
    if rate.count < 1 or rate.seconds < 1:
        raise ValueError(f"rate {text!r} must allow at least one action in a positive period")
    return rate


def rate_for(action: str) -> Rate | None:
    return parse_rate(getattr(settings, "RATE_LIMITS", {}).get(action, ""))


class RateLimited(Exception):
    """Over the limit for ``action``; try again in ``retry_after`` seconds."""

    def __init__(self, action: str, rate: Rate, retry_after: int) -> None:
        self.action = action
        self.rate = rate
        self.retry_after = retry_after
        super().__init__(self.message)

    @property
    def message(self) -> str:
        what = ACTIONS.get(self.action, "do this")
        return (
            f"You can {what} up to {self.rate.count} times {self.rate.period}. Nothing was saved or sent. "
            f"Try again in {wait_in_words(self.retry_after)}."
        )


def wait_in_words(seconds: int) -> str:
    if seconds < 60:
        return "less than a minute" if seconds > 1 else "a second"
    minutes = math.ceil(seconds / 60)
    if minutes < 120:
        return "1 minute" if minutes == 1 else f"{minutes} minutes"
    hours = math.ceil(minutes / 60)
    return f"{hours} hours"


def count_in_window(key: str, window_seconds: int, *, now: float | None = None) -> tuple[int, int]:
    """Add one to ``key``'s counter for the current fixed window; return (count, seconds left).

    The shared counter for every limit on the site (the discussion limits use it too).
    """
    now = time.time() if now is None else now
    window = int(now // window_seconds)
    cache_key = f"ratelimit:{key}:{window_seconds}:{window}"
    cache.add(cache_key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:
        # The counter expired between add and incr (the window just ended): this is its first hit.
        cache.add(cache_key, 1, timeout=window_seconds + 1)
        count = 1
    seconds_left = max(1, math.ceil((window + 1) * window_seconds - now))
    return count, seconds_left


def consume(action: str, who: str) -> None:
    """Count one ``action`` by ``who`` (``"user:<id>"`` or ``"ip:<address>"``); raise when over."""
    rate = rate_for(action)
    if rate is None:
        return
    count, seconds_left = count_in_window(f"{action}:{who}", rate.seconds)
    if count > rate.count:
        raise RateLimited(action, rate, seconds_left)


def user_key(user) -> str:
    return f"user:{user.pk}"


def request_key(request: HttpRequest) -> str:
    """Who is acting: the signed-in person, else the client's IP address (allauth's rule for it,
    which is also what allauth's own sign-in limits count by)."""
    if request.user.is_authenticated:
        return user_key(request.user)
    from allauth.core.internal.ratelimit import get_ip

    try:
        return f"ip:{get_ip(request)}"
    except PermissionDenied:  # no client address at all: such requests share one budget
        return "ip:unknown"


def too_many_requests(request: HttpRequest, error: RateLimited | None = None) -> HttpResponse:
    """The 429 page. Without ``error`` (allauth's own limits) it says so in general terms."""
    response = render(
        request,
        "429.html",
        {
            "message": error.message if error else None,
            "wait": wait_in_words(error.retry_after) if error else None,
        },
        status=HTTPStatus.TOO_MANY_REQUESTS,
    )
    if error:
        response["Retry-After"] = str(error.retry_after)
    return response


def handler429(request: HttpRequest) -> HttpResponse:
    """allauth answers its own limits (sign-in, sign-up, password reset) with this page too."""
    return too_many_requests(request)


class RateLimitMiddleware(DualModeMiddleware):
    """Answer a :class:`RateLimited` raised anywhere under a view with the 429 page."""

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RateLimited):
            return too_many_requests(request, exception)
        return None

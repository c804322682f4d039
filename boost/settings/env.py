"""The one place settings read the environment.

Every deploy-varying value goes through :func:`env`, so the list of variables in the README
can be checked against a single grep of this module's callers.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _to_bool(raw: str) -> bool:
    lowered = raw.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"expected a boolean (true/false), got {raw!r}")


def _to_list(raw: str) -> list[str]:
    return [item.strip() for item in raw.split(",") if item.strip()]


CASTS: dict[type, Callable[[str], Any]] = {bool: _to_bool, list: _to_list, int: int, str: str}


def env(name: str, default: Any = None, cast: type = str) -> Any:
    """Return the environment variable ``name`` cast to ``cast``, or ``default`` when unset.

    A value that cannot be cast stops start-up with the variable's name in the message,
    rather than letting a typo silently fall back to a default.
    """
    raw = os.environ.get(name)
    if raw is None or (raw == "" and cast is not str):
        return default
    try:
        return CASTS[cast](raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"Environment variable {name} is invalid: {exc}") from exc

"""How log records are written: JSON for machines in production, one readable line in development.

``LOG_FORMAT`` chooses (``json`` or ``text``). The request log (``boost.request``) carries its
facts as extra fields; the text format prints them as ``GET /path 200 12.3 ms`` so a developer
can read the terminal, while JSON keeps them as fields for a log pipeline to query.
"""

from __future__ import annotations

import logging

FORMATS = ("json", "text")

# Attributes every LogRecord has; anything else on a record was passed as ``extra``.
_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime", "taskName"}


class ConsoleFormatter(logging.Formatter):
    """``06:20:36 INFO    GET / 200 804.3 ms user 5`` for requests; ``time level logger: message`` otherwise."""

    def __init__(self) -> None:
        super().__init__(datefmt="%H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        record.message = record.getMessage()
        stamp = self.formatTime(record, self.datefmt)
        if record.name == "boost.request" and hasattr(record, "path"):
            line = f"{record.method} {record.path} {record.status} {record.duration_ms} ms"
            if getattr(record, "user_id", None) is not None:
                line += f" user {record.user_id}"
        else:
            extras = {key: value for key, value in record.__dict__.items() if key not in _STANDARD}
            extras.pop("request", None)  # the request's repr repeats the message
            line = f"{record.name}: {record.message}"
            if extras:
                line += " " + " ".join(f"{key}={value}" for key, value in extras.items())
        text = f"{stamp} {record.levelname:<7} {line}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        if record.stack_info:
            text += "\n" + self.formatStack(record.stack_info)
        return text


def logging_config(*, level: str, log_format: str) -> dict:
    """The ``LOGGING`` dict: one console handler on standard error in the chosen format."""
    if log_format not in FORMATS:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, got {log_format!r}")
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            },
            "text": {"()": "boost.log_format.ConsoleFormatter"},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": log_format}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's own DEBUG-time console handler would print every warning a second time.
            "django": {"handlers": [], "propagate": True},
            "django.server": {"level": "WARNING"},
            "uvicorn.access": {"level": "WARNING"},
            # One line per task state change is noise at INFO; failures still log.
            "django.tasks": {"level": "WARNING"},
        },
    }

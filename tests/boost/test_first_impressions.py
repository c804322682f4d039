"""The terminal and the static files a first run shows: readable dev logs, hashed module imports."""

from __future__ import annotations

import json
import logging
import logging.config
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage

from boost.log_format import ConsoleFormatter, logging_config
from boost.storage import StaticFilesStorage


def _request_record() -> logging.LogRecord:
    record = logging.LogRecord("boost.request", logging.INFO, __file__, 1, "request", None, None)
    record.__dict__.update(method="GET", path="/communities/", status=200, duration_ms=12.3, user_id=7)
    return record


def test_text_format_prints_one_readable_line_per_request():
    line = ConsoleFormatter().format(_request_record())
    assert re.fullmatch(r"\d\d:\d\d:\d\d INFO +GET /communities/ 200 12\.3 ms user 7", line)
    warning = logging.LogRecord("django.request", logging.WARNING, __file__, 1, "Not Found: %s", ("/x",), None)
    assert ConsoleFormatter().format(warning).endswith("WARNING django.request: Not Found: /x")


def test_json_format_keeps_the_fields_for_machines():
    config = logging_config(level="INFO", log_format="json")
    formatter = logging.config.dictConfigClass(config).configure_custom(dict(config["formatters"]["json"]))
    payload = json.loads(formatter.format(_request_record()))
    assert payload["path"] == "/communities/" and payload["status"] == 200 and payload["logger"] == "boost.request"


def test_log_format_is_checked_and_development_defaults_to_text(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        logging_config(level="INFO", log_format="yaml")
    assert logging_config(level="INFO", log_format="text")["handlers"]["console"]["formatter"] == "text"
    # Production (base settings) defaults to JSON; the test settings inherit it.
    assert settings.LOG_FORMAT == "json"
    dev = Path(settings.BASE_DIR, "boost/settings/dev.py").read_text()
    assert 'LOG_FORMAT = env("LOG_FORMAT", "text")' in dev


def test_es_module_imports_get_the_hashed_name(tmp_path):
    """thread.js imports mentions.js: the collected thread.js must name mentions.js by its hash."""
    source = tmp_path / "source" / "js" / "discussions"
    source.mkdir(parents=True)
    for name in ("thread.js", "mentions.js"):
        shutil.copy(Path(settings.BASE_DIR, "static/js/discussions", name), source / name)
    source_storage = FileSystemStorage(location=tmp_path / "source")
    storage = StaticFilesStorage(location=tmp_path / "collected", base_url="/static/")
    paths = {}
    for name in ("js/discussions/thread.js", "js/discussions/mentions.js"):
        with source_storage.open(name) as handle:
            storage.save(name, handle)
        paths[name] = (storage, name)
    list(storage.post_process(paths))
    hashed_mentions = Path(storage.stored_name("js/discussions/mentions.js")).name
    assert re.fullmatch(r"mentions\.[0-9a-f]{12}\.js", hashed_mentions)
    thread_js = storage.open(storage.stored_name("js/discussions/thread.js")).read().decode()
    assert f'from "./{hashed_mentions}"' in thread_js
    assert 'from "./mentions.js"' not in thread_js


def test_templates_load_every_script_and_stylesheet_through_static():
    """A hard-coded /static/ URL would miss the hashed name, and so cache-busting."""
    offenders = []
    for template in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        for match in re.finditer(r'(?:src|href)="/static/', template.read_text()):
            offenders.append(f"{template}:{match.start()}")
    assert offenders == []

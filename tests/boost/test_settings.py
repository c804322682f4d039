"""Settings behave as documented: embedded defaults, production refusing to start without a key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from boost.settings.env import env

ROOT = Path(__file__).resolve().parents[2]


def _run(module: str, extra_env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_HOST"}
    }
    environment.update({"DJANGO_SETTINGS_MODULE": module, **extra_env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _run("boost.settings.production", {"EMAIL_HOST": "smtp.example.nhs.uk"}, "check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_without_email():
    result = _run("boost.settings.production", {"SECRET_KEY": "k" * 60}, "check")
    assert result.returncode != 0
    assert "EMAIL_HOST must be set" in result.stderr


def test_production_passes_check_deploy():
    result = _run(
        "boost.settings.production",
        {
            "SECRET_KEY": "x" * 60 + "-a-long-random-production-secret",
            "ALLOWED_HOSTS": "boost.example.nhs.uk",
            "EMAIL_HOST": "smtp.example.nhs.uk",
        },
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_env_rejects_a_bad_boolean(monkeypatch):
    monkeypatch.setenv("SOME_FLAG", "perhaps")
    with pytest.raises(ImproperlyConfigured, match="SOME_FLAG"):
        env("SOME_FLAG", False, cast=bool)


def test_env_lists_and_defaults(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.example, b.example,")
    assert env("HOSTS", [], cast=list) == ["a.example", "b.example"]
    assert env("UNSET_VARIABLE_FOR_TEST", "fallback") == "fallback"


def test_collectstatic_builds_the_compressed_manifest(tmp_path):
    # The manifest storage refuses references to missing files; nhsuk-frontend names source maps
    # it does not ship, which must not stop a deployment.
    result = _run(
        "boost.settings.dev",
        {"SECRET_KEY": "k" * 60, "STATIC_ROOT": str(tmp_path)},
        "collectstatic",
        "--noinput",
        "-v",
        "0",
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "nhsuk-frontend-10.4.2.min" in manifest

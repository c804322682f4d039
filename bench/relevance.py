"""Print success@3 for the relevance set on the database backend of the current settings.

    .venv/bin/python bench/relevance.py            # SQLite (a throw-away test database)
    DATABASE_URL=postgres://... .venv/bin/python bench/relevance.py

Runs inside pytest-django's test database so nothing real is touched.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

if __name__ == "__main__":
    sys.exit(
        subprocess.call(  # noqa: S603 - fixed argv
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-p",
                "no:warnings",
                "-s",
                "--no-header",
                "bench/relevance_report.py",
                "-o",
                "python_files=relevance_report.py",
                "--rootdir",
                str(ROOT),
            ],
            cwd=ROOT,
        )
    )

"""Storages. Static files: WhiteNoise's compressed, hashed storage, tolerant of missing source maps.

nhsuk-frontend's minified CSS and JS name source maps the package does not ship. Django's
manifest storage would refuse to collect static files over that; a missing *.map only affects
browser developer tools, so the reference is left as it is.
"""

from __future__ import annotations

import posixpath
import secrets

from django.core.files.storage import FileSystemStorage
from whitenoise.storage import CompressedManifestStaticFilesStorage

# Marks the random directory in a stored name, so a name is never given a second one.
RANDOM_PREFIX = "r-"


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    # thread.js imports mentions.js as an ES module: rewrite that import to the hashed name too, so
    # a changed mentions.js is never served from a stale cache under its old, far-future-cached URL.
    support_js_module_import_aggregation = True

    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if name.split("?", 1)[0].split("#", 1)[0].strip().endswith(".map"):
                return name
            raise


class MediaStorage(FileSystemStorage):
    """Uploads (documents, images, renditions, avatars) stored under a random directory.

    Every stored name gets an unguessable part, ``documents/<random>/report.pdf``, so knowing how
    names are made (or an author's file name) reveals nothing. That is defence in depth only: every
    file is still served through :mod:`boost.files`, which checks the viewer's rights first.
    """

    # Wagtail's and Django's file fields are 100 characters long unless told otherwise.
    max_name_length = 100

    def generate_filename(self, filename: str) -> str:
        name = super().generate_filename(filename)
        directory, basename = posixpath.split(name)
        token = secrets.token_urlsafe(12)
        if directory.rsplit("/", 1)[-1].startswith(RANDOM_PREFIX):
            return name  # already carries one (a file moved between fields keeps its name)
        room = self.max_name_length - len(directory) - len(token) - len(RANDOM_PREFIX) - 2 - 8
        stem, extension = posixpath.splitext(basename)
        stem = stem[: max(room - len(extension), 8)]
        return posixpath.join(directory, f"{RANDOM_PREFIX}{token}", f"{stem}{extension}")

"""Static files storage: WhiteNoise's compressed, hashed storage, tolerant of missing source maps.

nhsuk-frontend's minified CSS and JS name source maps the package does not ship. Django's
manifest storage would refuse to collect static files over that; a missing *.map only affects
browser developer tools, so the reference is left as it is.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def hashed_name(self, name, content=None, filename=None):
        try:
            return super().hashed_name(name, content, filename)
        except ValueError:
            if name.split("?", 1)[0].split("#", 1)[0].strip().endswith(".map"):
                return name
            raise

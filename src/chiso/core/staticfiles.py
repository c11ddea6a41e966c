"""The static files (style sheet, script, icon, the admin's): collected once into the data folder
with content-hashed names and a gzip variant of each, then served by whitenoise's middleware
with far-future cache headers (`chiso serve` collects them when they changed:
`chiso.bootstrap.collect_static`)."""

from __future__ import annotations

from typing import Any

from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    """whitenoise's compressed manifest storage that, before the files were ever collected (the
    tests, the command line, a development checkout), names each file by its own name instead of
    refusing to render a page. Once collected, a file missing from the manifest is still an error.

    Gzip only, even where the brotli package is installed: brotli's best setting takes 20 s or more
    on the ~500 files (the admin's included) at every collection, for a few kilobytes less than
    gzip on chiso's own style sheet and script; and the result does not depend on what happens to
    be installed."""

    def create_compressor(self, **kwargs: Any) -> Compressor:
        return Compressor(**{**kwargs, "use_brotli": False})

    def stored_name(self, name: str) -> str:
        if not self.hashed_files:
            return name
        return super().stored_name(name)

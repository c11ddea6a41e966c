"""plotly.js from the installed `plotly` package, for the pages that draw charts (no CDN: intranets
are offline)."""

from __future__ import annotations

import importlib.metadata
import importlib.resources

from django.http import FileResponse, HttpRequest


def plotly_version() -> str:
    """The version of the installed plotly, to version the script's URL."""
    return importlib.metadata.version("plotly")


def plotly_js(request: HttpRequest) -> FileResponse:
    """The plotly.min.js bundled in the installed `plotly` package, cached for a year."""
    path = importlib.resources.files("plotly") / "package_data" / "plotly.min.js"
    response = FileResponse(path.open("rb"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response

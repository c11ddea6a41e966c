"""plotly.js from the installed `plotly` package, for the pages that draw charts (no CDN: intranets
are offline)."""

from __future__ import annotations

import importlib.metadata
import importlib.resources
import re
from functools import cache

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


@cache
def plotly_style_ids() -> tuple[str, ...]:
    """The ids of the <style> blocks plotly.js injects at load unless an element of that id exists
    (the CSS of its map library, which chiso's charts do not use). The Content Security Policy
    refuses inline style elements, so a page that loads plotly.js puts an empty element of each id
    first: see the `plotly_styles` template tag."""
    text = (importlib.resources.files("plotly") / "package_data" / "plotly.min.js").read_text(
        encoding="utf-8"
    )
    return tuple(dict.fromkeys(re.findall(r'getElementById\("([0-9a-f]{64})"\)', text)))

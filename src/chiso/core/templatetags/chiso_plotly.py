"""`{% plotly_styles %}`: what a page that loads plotly.js puts before it, under the Content
Security Policy (no inline <style>).

plotly.js writes its rules into the style sheet of id "plotly.js-style-global", creating an inline
<style> when there is none: an empty static style sheet of that id takes them instead (CSSOM rules,
which the policy allows). The style blocks it injects once per id are skipped when an element of
that id exists (`chiso.core.plotly.plotly_style_ids`).
"""

from __future__ import annotations

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from chiso.core.plotly import plotly_style_ids

register = template.Library()


@register.simple_tag
def plotly_styles() -> SafeString:
    sheet = format_html(
        '<link rel="stylesheet" id="plotly.js-style-global" href="{}">', static("chiso/plotly.css")
    )
    placeholders = format_html_join("", '<template id="{}"></template>', ((i,) for i in plotly_style_ids()))
    return sheet + placeholders

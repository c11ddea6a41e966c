"""Form helpers for templates.

    {% load chiso_forms %}
    <form method="post">{% csrf_token %}{% once_token %} …

`once_token` draws the one-time token of a form that creates a row (`chiso.core.once`).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from chiso.core import once

register = template.Library()


@register.simple_tag
def once_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', once.FIELD, once.new_token())

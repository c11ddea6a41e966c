"""chiso's own deployment check (`python -m django check --deploy`): a server needs its own key."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, register
from django.utils.translation import gettext as _


@register(Tags.security, deploy=True)
def secret_key_from_environment(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """chiso.E001: the secret key is the local installation's generated one, not CHISO_SECRET_KEY."""
    generated = getattr(settings, "CHISO_GENERATED_SECRET_KEY", "")
    if generated and generated == settings.SECRET_KEY:
        return [
            Error(
                _("Chưa đặt CHISO_SECRET_KEY: khóa đang dùng là khóa sinh ra cho một bản cài trên máy."),
                hint=_("Đặt CHISO_SECRET_KEY là một chuỗi ngẫu nhiên dài ít nhất 50 ký tự, giữ kín."),
                id="chiso.E001",
            )
        ]
    return []

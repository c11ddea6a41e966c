"""The password length check, with a message in chiso's catalogue.

The other validators of settings.AUTH_PASSWORD_VALIDATORS speak Vietnamese through Django's own
translations; Django's Vietnamese catalogue lacks the current wording of the "too short" message
(its msgid changed to "%d" and the catalogue still has "%(min_length)d"), so it would be English.
"""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "Mật khẩu quá ngắn: cần ít nhất {count} ký tự.",
            "Mật khẩu quá ngắn: cần ít nhất {count} ký tự.",
            self.min_length,
        ).format(count=self.min_length)

"""Moved to `chiso.accounts.permissions`; kept only for importers not yet updated (plans/services.py,
surveys/services.py). Import from `chiso.accounts.permissions`."""

from chiso.accounts.permissions import (  # noqa: F401
    EVERYONE_INSIDE,
    allowed,
    allowed_actions,
    can_manage,
    can_publish,
    has_role,
    own_units,
    roles_of,
)

"""What of this app goes into the change log (`chiso.core.changelog`): users and their roles.

A user's password is logged as changed, never with its hash; the time of the last sign-in is not a
change. A user who appears in the change log cannot be deleted (the log is append-only and names
them): deactivate the account instead."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import ProtectedError
from django.db.models.signals import pre_delete
from django.utils.translation import gettext as _

from chiso.accounts.models import Membership
from chiso.core import changelog


def register() -> None:
    user_model = get_user_model()
    changelog.register(
        user_model,
        exclude=["last_login"],
        mask=["password"],
        mask_callable="chiso.core.changelog.hidden",
        m2m=["groups", "user_permissions"],
    )
    changelog.register(Membership)
    pre_delete.connect(refuse_deleting_a_logged_user, sender=user_model, dispatch_uid="chiso-user-in-log")


def has_logged_changes(user: Any) -> bool:
    from auditlog.models import LogEntry

    return LogEntry.objects.filter(actor_id=user.pk).exists()


def why_not_deletable(user: Any) -> str:
    return _(
        "Không xoá được người dùng {user}: nhật ký thay đổi ghi tên người này. "
        "Hãy khoá tài khoản (bỏ chọn «Hoạt động»)."
    ).format(user=user.get_username())


def refuse_deleting_a_logged_user(sender: Any, instance: Any, **kwargs: Any) -> None:
    """pre_delete receiver: deleting would have to rewrite the change log's entries naming the user."""
    if has_logged_changes(instance):
        raise ProtectedError(why_not_deletable(instance), {instance})

"""Double submissions: every form that creates a row is posted once, whatever the user does.

One mechanism, one definition. Each such form carries a one-time token (`{% once_token %}` of the
`chiso_forms` template library: a random value drawn when the form is drawn). The view that
creates the row runs the creation inside `with once.first_post(request) as first:`, which records
the token in the `FormSubmission` table — unique — in the same transaction:

- the first post records it and creates the row; if the creation is refused (bad input, a
  permission), the transaction is undone with the token, and the same form can be posted again;
- the same form posted again (a double click, a second tab, the browser's "resubmit" after
  Back) finds the token recorded: nothing is created, and the view answers as if it had just done
  it. Two posts at the same moment are serialised by the unique index: the second waits for the
  first and finds its token.

Why a token rather than matching the content ("same text, same author, a few seconds apart"):
two rows with the same content can both be meant — two paper questionnaires with the same
answers, the same task given twice — and a time window is a guess; a token identifies one form as
it was drawn, so only the same form is recognised. It needs no session (several tabs each have
their own forms) and no change to the models the forms create.

A post without a token is refused (400): a form that creates rows is always drawn by chiso.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.core.exceptions import BadRequest
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chiso.core.models import FormSubmission

FIELD = "once"
TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")
KEEP = timedelta(days=30)  # a form older than this would be taken again: nobody resubmits that late
ALREADY = gettext_lazy("Biểu mẫu này đã được gửi; không ghi thêm lần nữa.")


class MissingToken(BadRequest):
    """A post to a form that creates rows without its one-time token."""


def new_token() -> str:
    """A fresh one-time token for a form being drawn."""
    return secrets.token_urlsafe(24)


def claim(token: str) -> bool:
    """Record `token` as used; False when it was used before. Call it inside the transaction that
    creates the row (`first_post` does)."""
    if not TOKEN.fullmatch(token or ""):
        raise MissingToken(_("Biểu mẫu thiếu mã gửi một lần; hãy tải lại trang rồi gửi lại."))
    try:
        with transaction.atomic():
            FormSubmission.objects.create(token=token)
    except IntegrityError:
        return False
    FormSubmission.objects.filter(used__lt=timezone.now() - KEEP).delete()
    return True


@contextmanager
def first_post(request: HttpRequest, token: str | None = None) -> Iterator[bool]:
    """A transaction in which the posted form's token (or `token`) is claimed: yields True the first
    time — create the row in the block — and False when the same form was posted before. An
    exception leaving the block undoes the claim with everything else."""
    with transaction.atomic():
        yield claim(request.POST.get(FIELD, "") if token is None else token)

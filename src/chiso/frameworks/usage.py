"""What the framework editor needs to know about the use of a framework, without importing its users.

Frameworks are a lower layer than assessments: a cycle (`chiso.assessments.models.Cycle`) points at
the framework it scores against, so `chiso.assessments` imports `chiso.frameworks`. The editor still
has to know about cycles: a framework on which units have started their self-assessment may not be
edited, a criterion that has scores may not be renamed or deleted, and every edit goes to the audit
log that the assessment pages also read. Importing `chiso.assessments` from here would make the two
packages import each other.

So this module turns the dependency around, the way NetBox lets higher apps extend lower ones: it
defines the questions (`FrameworkUsage`) and a place to register the answers (`register`), and the
assessments app registers its implementation (`chiso.assessments.framework_usage`) in its
`AppConfig.ready()`. The editor calls `usage()` and never names the app that answers.

Figures stored on a framework (a result set's) make it unchangeable too: the app that stores them
registers a check with `register_use` (the results app does), and `in_use` asks every check and the
cycles.

With nothing registered, a framework is in use nowhere and nothing is scored on it, so nothing is
refused; recording an edit raises `ImproperlyConfigured` instead of losing it, since an edit must
never go unrecorded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, Protocol

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from chiso.frameworks.models import Framework

# The action the audit log records framework edits under (the audit pages filter on it).
EDIT_ACTION = "framework_edit"


class EditRecord(Protocol):
    """One recorded edit, as the editor's history shows it."""

    @property
    def time(self) -> datetime: ...

    @property
    def user_name(self) -> str: ...

    @property
    def field(self) -> str: ...

    @property
    def reason(self) -> str: ...


class FrameworkUsage(Protocol):
    """The questions the framework editor asks about the cycles that use a framework."""

    def cycle_in_progress(self, framework: Framework) -> str | None:
        """The name of a cycle on this framework in which some unit has started (or gone past the
        draft), or None when there is none."""
        ...

    def scored_criteria(self, framework: Framework, codes: set[str]) -> set[str]:
        """The codes among `codes` that have a score in some cycle on this framework."""
        ...

    def record_edit(
        self,
        user: AbstractBaseUser | AnonymousUser | None,
        *,
        field: str,
        before: dict[str, Any],
        after: dict[str, Any],
        reason: str,
    ) -> None:
        """Write one edit of a framework to the audit log under `EDIT_ACTION`; `before` and `after`
        each carry the framework's code under "framework"."""
        ...

    def edit_history(self, framework: Framework, limit: int) -> Sequence[EditRecord]:
        """The framework's recorded edits, newest first, at most `limit` of them."""
        ...


class Unused:
    """The answer when no app has registered one: no cycle uses any framework."""

    def cycle_in_progress(self, framework: Framework) -> str | None:
        return None

    def scored_criteria(self, framework: Framework, codes: set[str]) -> set[str]:
        return set()

    def record_edit(
        self,
        user: AbstractBaseUser | AnonymousUser | None,
        *,
        field: str,
        before: dict[str, Any],
        after: dict[str, Any],
        reason: str,
    ) -> None:
        raise ImproperlyConfigured(
            "No framework usage is registered, so framework edits cannot be audited: "
            "add chiso.assessments to INSTALLED_APPS."
        )

    def edit_history(self, framework: Framework, limit: int) -> Sequence[EditRecord]:
        return []


_registered: FrameworkUsage | None = None


def register(implementation: FrameworkUsage) -> None:
    """Make `implementation` the answer to the editor's questions (called from an AppConfig.ready())."""
    global _registered
    _registered = implementation


def usage() -> FrameworkUsage:
    """The registered implementation, or `Unused` when none is."""
    return _registered if _registered is not None else Unused()


# -- what holds figures computed on a framework -----------------------------------------------------

# A check names what holds figures computed on a framework ("kết quả PAPI năm 2021 …"), or "".
UseCheck = Callable[[Framework], str]
_use_checks: dict[str, UseCheck] = {}


def register_use(name: str, check: UseCheck) -> None:
    """Add (or replace) the check `name`: what of a higher app holds figures computed on a framework
    (called from an AppConfig.ready(); the results app registers its result sets)."""
    _use_checks[name] = check


def in_use(framework: Framework) -> str:
    """What makes `framework` unchangeable, in words ("kỳ đánh giá «…»", "kết quả PAPI năm 2021"),
    or "" when nothing uses it: a cycle in which a unit has started, or figures a registered app
    stores on it."""
    cycle = usage().cycle_in_progress(framework)
    if cycle is not None:
        return _("kỳ đánh giá «{cycle}» (các đơn vị đã bắt đầu tự đánh giá)").format(cycle=cycle)
    for check in _use_checks.values():
        found = check(framework)
        if found:
            return found
    return ""

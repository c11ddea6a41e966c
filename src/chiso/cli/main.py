"""The `chiso` command: everything a user does without a browser.

chiso ranking papi 2021
chiso profile papi 2021 "Ninh Thuận" --format json
chiso import-results par2024.xlsx --index par_index --year 2024
chiso frameworks list | show CODE | validate FILE | export CODE -o FILE
chiso indices list | show CODE | add CODE --name "…" --max N | import FILE.yaml
chiso units resolve "TP. HCM" | lineage "Ninh Thuận" | list --year 2025
chiso setup
chiso demo
chiso serve --host 127.0.0.1 --port 8000 --workers 2 --threads 4

This module reads the language, parses the command line (`chiso.cli.parser`) and runs the one
command asked for; each command lives in its group's module and imports what it needs when it runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from chiso.cli import i18n
from chiso.cli.i18n import gettext as _
from chiso.cli.parser import build_parser

__all__ = ["build_parser", "main"]

NEEDS_NAME = ("show", "validate", "import", "export", "resolve", "lineage", "add")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; the exit status is 0, 1 for a user-facing error, 2 for a usage error."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    i18n.activate(i18n.language_in(arguments))
    parser = build_parser()
    args = parser.parse_args(arguments)
    if hasattr(args, "lang"):
        args.lang = i18n.language()
    if args.command in ("frameworks", "units", "indices") and args.action in NEEDS_NAME and not args.name:
        parser.error(_("{command} {action} cần một tên").format(command=args.command, action=args.action))
    if args.command == "frameworks" and args.action == "export" and not args.output:
        parser.error(_("frameworks export cần -o FILE"))
    if args.command == "indices" and args.action == "add":
        if not args.name_vi:
            parser.error(_('indices add cần --name "…"'))
        if args.max is None and not args.percent:
            parser.error(_("indices add cần --max N (điểm tối đa) hoặc --percent"))
    from chiso.cli.common import CommandError  # no Django, no data libraries: only after parsing
    from chiso.core.request_context import acting

    try:
        # One request id per command: every change it makes is logged under it, marked as coming
        # from the command line (commands that name the acting officer with --user set the actor).
        with acting(via="cli", command=_command_name(args), os_user=_os_user()):
            output = args.func(args)
    except CommandError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if output:
        try:
            print(output)
        except BrokenPipeError:  # e.g. `chiso ranking papi 2021 | head`
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - silence the flush at exit
    return 0


def _command_name(args: object) -> str:
    """`frameworks import`, `setup`: the command and its action, never its arguments."""
    return " ".join(str(part) for part in (getattr(args, "command", ""), getattr(args, "action", "")) if part)


def _os_user() -> str:
    """The operating-system account that ran the command (the change log's only name for it when
    no --user is given)."""
    import getpass

    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for the uid (a bare container)
        return ""


if __name__ == "__main__":
    sys.exit(main())

"""``chiso setup`` (alias ``chiso migrate``) and ``chiso demo``: the only commands that migrate
(the demo then serves itself with `chiso serve`'s server: `chiso.cli.serve`)."""

from __future__ import annotations

import argparse
import os
import sys

from chiso.cli.i18n import gettext as _
from chiso.cli.i18n import language


def _django_in_our_language() -> None:
    from chiso.bootstrap import setup_django

    setup_django()
    from django.utils import translation

    translation.activate(language())


def cmd_setup(args: argparse.Namespace) -> str:
    """Apply the migrations and load the built-in data (and the communes with --communes)."""
    from chiso.bootstrap import ensure_ready

    _django_in_our_language()
    ensure_ready(out=sys.stdout, communes=args.communes)
    return _("Cơ sở dữ liệu sẵn sàng.")


def cmd_demo(args: argparse.Namespace) -> str:
    """The demo always runs on the embedded SQLite database, whatever DATABASE_URL says, under the
    same server as `chiso serve` (in demo mode: no secret key needed, the demo accounts work)."""
    os.environ.pop("DATABASE_URL", None)
    os.environ["CHISO_DEMO"] = "1"
    from chiso.cli.serve import serve, server_size_of

    workers, threads = server_size_of(None, None)
    environ = dict(os.environ)  # before Django is set up here
    from chiso.bootstrap import ensure_ready

    _django_in_our_language()
    ensure_ready(out=sys.stdout)
    from chiso.demo.build import seed_demo

    seed_demo(out=sys.stdout)
    announce = _("chiso đang chạy tại http://127.0.0.1:{port}/ (Ctrl+C để dừng)").format(port=args.port)
    return serve(environ, "127.0.0.1", args.port, workers, threads, announce=announce)

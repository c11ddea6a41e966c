"""Regenerate the shipped SIPAS XLSForm from the transcribed questionnaire.

Usage: ``python -m chiso.surveys.build_sipas PATH/TO/sipas_questionnaire.csv [OUT.xlsx]``
(default OUT: the package's ``data/surveys/sipas-1001.xlsx``).
"""

from __future__ import annotations

import sys

from chiso.surveys.sipas import SHIPPED, build_sipas_workbook


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    from chiso.data import data_path

    out = args[1] if len(args) > 1 else data_path(*SHIPPED)
    print(build_sipas_workbook(args[0], out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

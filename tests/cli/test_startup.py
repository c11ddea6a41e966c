"""A fast command line: the parser loads no data library, no Django, no other command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import chiso
from chiso.cli import parser

SRC = str(Path(chiso.__file__).resolve().parent.parent)
HEAVY = ("polars", "numpy", "pandas", "openpyxl", "docx", "matplotlib", "PIL", "django", "babel", "icu")

LOADED = """
import json, runpy, sys
sys.argv = ["chiso", *sys.argv[1:]]
try:
    runpy.run_module("chiso.cli.main", run_name="__main__")
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def modules_loaded_by(*argv: str, home: Path) -> set[str]:
    env = {**os.environ, "PYTHONPATH": SRC, "CHISO_HOME": str(home)}
    env.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", LOADED, *argv], env=env, capture_output=True, text=True, timeout=120
    )
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def test_help_loads_only_the_parser(tmp_path):
    loaded = modules_loaded_by("--help", home=tmp_path)
    assert not {m for m in loaded if m.split(".")[0] in HEAVY}
    ours = {m for m in loaded if m.startswith("chiso")}  # chiso.cli.main itself runs as __main__
    assert ours == {
        "chiso",
        "chiso.cli",
        "chiso.cli.parser",
        "chiso.cli.i18n",
        "chiso.engine",
        "chiso.engine.i18n",
    }


def test_survey_plan_runs_without_django(tmp_path):
    """Files-only survey commands need the survey engine (and its polars), never the database."""
    loaded = modules_loaded_by("survey", "plan", "--population", "1000", home=tmp_path)
    assert "chiso.cli.survey" in loaded
    assert not {m for m in loaded if m.split(".")[0] in ("django", "openpyxl", "docx", "matplotlib")}
    assert not (tmp_path / "chiso.sqlite3").exists()


def test_the_parser_repeats_the_survey_engine_choices():
    from chiso.engine import survey

    assert parser.AGGREGATIONS == survey.AGGREGATIONS
    assert parser.SINGLETON_RULES == survey.SINGLETON_RULES


def test_the_parser_repeats_the_unit_levels():
    from chiso.engine.units import LEVELS

    assert parser.UNIT_LEVELS == LEVELS
    assert set(parser.SURVEY_LEVELS) <= set(LEVELS)


def test_every_command_names_a_function_that_exists():
    import importlib

    def handlers(p):
        for action in p._actions:
            if action.__class__.__name__ == "_SubParsersAction":
                for sub in action.choices.values():
                    yield from handlers(sub)
        if isinstance(p.get_default("func"), parser.Handler):
            yield p.get_default("func").target

    targets = set(handlers(parser.build_parser()))
    assert len(targets) > 20
    for target in targets:
        module, name = target.split(":")
        assert callable(getattr(importlib.import_module(module), name)), target

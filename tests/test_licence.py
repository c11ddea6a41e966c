"""chiso carries a permissive licence, and none of its dependencies is GPL-licensed unit data."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_licence_field_and_file_are_apache_2():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0"
    assert project["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert "Apache License" in text and "Version 2.0, January 2004" in text
    assert "END OF TERMS AND CONDITIONS" in text


def test_the_gpl_unit_list_is_no_longer_a_dependency():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = [
        requirement.split("=")[0].split("[")[0].strip().lower() for requirement in project["dependencies"]
    ]
    assert "vietnam-provinces" not in names

"""scripts/install.sh: a machine that has every system package installs none of them again.

The script runs under `set -euo pipefail` (demo.sh, test.sh). Each check runs here against fake
commands first on PATH: fc-list prints a long font list (Liberation Serif first, so that a reader
stopping at the first match closes the pipe early), and apt-get and sudo only write down that they
were called.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "install.sh"

LONG_FONT_LIST = """#!/bin/bash
echo "/usr/share/fonts/truetype/liberation/LiberationSerif-Regular.ttf: Liberation Serif:style=Regular"
for i in $(seq 1 40000); do
  echo "/usr/share/fonts/truetype/dejavu/DejaVuSans-$i.ttf: DejaVu Sans:style=Book"
done
"""
NO_LIBERATION = """#!/bin/bash
for i in $(seq 1 40000); do
  echo "/usr/share/fonts/truetype/dejavu/DejaVuSans-$i.ttf: DejaVu Sans:style=Book"
done
"""
RECORD = '#!/bin/sh\necho "$(basename "$0") $*" >> "{log}"\n'
SUCCEED = "#!/bin/sh\nexit 0\n"


def _fake(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text(body)
    path.chmod(0o755)


def _run(tmp_path: Path, fc_list: str, *extra: str) -> list[str]:
    """Run install_system_packages as demo.sh does; return the apt-get and sudo calls it made."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    fakes = tmp_path / "bin"
    fakes.mkdir(parents=True)
    log = tmp_path / "calls.log"
    log.touch()
    _fake(fakes, "fc-list", fc_list)
    for present in ("pkg-config", "g++", "xgettext", "python3", "chromium", "java"):
        _fake(fakes, present, SUCCEED)
    for recorder in ("apt-get", "sudo"):
        _fake(fakes, recorder, RECORD.format(log=log))
    command = f'set -euo pipefail; source "{SCRIPT}"; install_system_packages {" ".join(extra)}'
    done = subprocess.run(
        [bash, "-c", command],
        env={"PATH": f"{fakes}:/usr/bin:/bin", "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return log.read_text().splitlines()


def test_nothing_installed_when_everything_is_there(tmp_path):
    assert _run(tmp_path / "demo", LONG_FONT_LIST) == []
    assert _run(tmp_path / "test", LONG_FONT_LIST, "java") == []  # test.sh
    assert _run(tmp_path / "ci", LONG_FONT_LIST, "java", "chromium") == []  # test.sh with CI=true


def test_missing_font_is_installed(tmp_path):
    calls = _run(tmp_path, NO_LIBERATION)
    assert any("install" in call and "fonts-liberation" in call for call in calls), calls
    assert all("libicu-dev" not in call and "g++" not in call for call in calls), calls


@pytest.mark.parametrize("asked", [True, False], ids=["tests", "demo"])
def test_missing_java_is_installed_for_the_tests_only(tmp_path, asked):
    """Spark needs Java: the tests (which ask for it) get Debian's default headless JRE on a machine
    without it; the demo does not."""
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    fakes = tmp_path / "bin"
    fakes.mkdir()
    log = tmp_path / "calls.log"
    log.touch()
    _fake(fakes, "fc-list", LONG_FONT_LIST)
    for present in ("pkg-config", "g++", "xgettext", "python3"):
        _fake(fakes, present, SUCCEED)
    for recorder in ("apt-get", "sudo"):
        _fake(fakes, recorder, RECORD.format(log=log))
    # Only the commands the function needs besides the fakes, so that this machine's own java is not seen.
    for tool in ("basename", "id", "seq"):
        found = shutil.which(tool)
        assert found, tool
        (fakes / tool).symlink_to(found)
    command = f'set -euo pipefail; source "{SCRIPT}"; install_system_packages {"java" if asked else ""}'
    done = subprocess.run(
        [bash, "-c", command], env={"PATH": str(fakes), "HOME": str(tmp_path)}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    calls = log.read_text().splitlines()
    assert any("install" in call and "default-jre-headless" in call for call in calls) == asked, calls

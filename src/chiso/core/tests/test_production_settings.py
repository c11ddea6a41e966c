"""Production settings: no published secret key, a server that refuses to start without its own,
HTTPS switches from the environment, and `check --deploy` clean (issue 10, attack 9).

Settings are read once per process, so each case runs Python in a subprocess with its environment.
"""

from __future__ import annotations

import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import chiso

SRC = Path(chiso.__file__).resolve().parent.parent
PUBLISHED_KEY = "chiso-insecure-key-for-local-use-only"  # the fallback of earlier versions
CHISO_VARIABLES = ("CHISO_SECRET_KEY", "CHISO_DEBUG", "CHISO_DEMO", "CHISO_HTTPS", "CHISO_BEHIND_PROXY")


def run(code: str, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `code` in a fresh Python with chiso's settings, CHISO_HOME=`home` and `env`."""
    environment = {k: v for k, v in os.environ.items() if k not in CHISO_VARIABLES}
    environment.update(
        PYTHONPATH=str(SRC), CHISO_HOME=str(home), DJANGO_SETTINGS_MODULE="chiso.settings", **env
    )
    return subprocess.run(
        [sys.executable, "-c", code], env=environment, capture_output=True, text=True, timeout=120
    )


def test_a_server_without_its_secret_key_refuses_to_start(tmp_path):
    started = run("import chiso.wsgi", tmp_path)
    assert started.returncode != 0
    assert "ImproperlyConfigured" in started.stderr and "CHISO_SECRET_KEY" in started.stderr
    assert "thiếu khóa bí mật" in started.stderr  # in Vietnamese, the installation's language


def test_a_server_starts_with_its_key_and_the_demo_and_development_without(tmp_path):
    key = secrets.token_urlsafe(50)
    for env in ({"CHISO_SECRET_KEY": key}, {"CHISO_DEMO": "1"}, {"CHISO_DEBUG": "1"}):
        started = run("import chiso.wsgi; print('started')", tmp_path, **env)
        assert started.returncode == 0 and "started" in started.stdout, (env, started.stderr)
    with_key = run(
        "from django.conf import settings; print(settings.SECRET_KEY)", tmp_path, CHISO_SECRET_KEY=key
    )
    assert with_key.stdout.strip() == key


def test_a_local_installation_generates_its_own_key_once(tmp_path):
    show = "from django.conf import settings; print(settings.SECRET_KEY)"
    first, second = run(show, tmp_path).stdout.strip(), run(show, tmp_path).stdout.strip()
    assert first == second and len(first) >= 50 and first != PUBLISHED_KEY
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600  # readable by its owner only
    other = tmp_path / "other"
    assert run(show, other).stdout.strip() not in ("", first)  # another installation, another key


CHECK_DEPLOY = (
    "import django; django.setup(); from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def test_check_deploy_is_clean_with_the_production_settings(tmp_path):
    checked = run(CHECK_DEPLOY, tmp_path, CHISO_SECRET_KEY=secrets.token_urlsafe(50), CHISO_HTTPS="1")
    assert checked.returncode == 0, checked.stderr
    assert "System check identified no issues" in checked.stdout


def test_check_deploy_names_the_missing_key(tmp_path):
    checked = run(CHECK_DEPLOY, tmp_path, CHISO_HTTPS="1")
    assert checked.returncode != 0 and "chiso.E001" in checked.stderr


def test_https_is_switched_on_by_the_environment_and_off_for_the_local_demo(tmp_path):
    show = (
        "from django.conf import settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    assert run(show, tmp_path, CHISO_DEMO="1").stdout.split() == ["False", "False", "False", "0", "None"]
    production = run(show, tmp_path, CHISO_HTTPS="1", CHISO_BEHIND_PROXY="1", CHISO_SECRET_KEY="k" * 50)
    assert production.stdout.strip() == "True True True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"

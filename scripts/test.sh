#!/usr/bin/env bash
# Install chiso with its test tools into .venv and run every test (lint, engine, Django, on SQLite).
# With CI=true it also runs the whole suite on PostgreSQL (127.0.0.1:5432, database `test`) and the
# browser tests (Playwright driving Debian's chromium). It installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."

apt_packages=()
command -v pkg-config >/dev/null 2>&1 || apt_packages+=(pkg-config)
pkg-config --exists icu-uc 2>/dev/null || apt_packages+=(libicu-dev)   # PyICU builds against ICU
command -v g++ >/dev/null 2>&1 || apt_packages+=(g++)
if [ "${CI:-}" = "true" ] && ! command -v chromium >/dev/null 2>&1; then
  apt_packages+=(chromium)
fi
if [ ${#apt_packages[@]} -gt 0 ]; then
  echo "Installing system packages: ${apt_packages[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${apt_packages[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
extras="test"
if [ "${CI:-}" = "true" ]; then
  extras="test,browser"
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[${extras}]"

# Tests never touch the user's own chiso database.
CHISO_HOME="$(mktemp -d)"
export CHISO_HOME
trap 'rm -rf "$CHISO_HOME"' EXIT

.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "== Test suite on SQLite"
env -u DATABASE_URL .venv/bin/pytest -q -m "not browser"

if [ "${CI:-}" = "true" ]; then
  echo "== Test suite on PostgreSQL"
  DATABASE_URL="${CHISO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}" \
    .venv/bin/pytest -q -m "not browser" -p no:cacheprovider
  echo "== Browser tests (chromium)"
  env -u DATABASE_URL .venv/bin/pytest -q -m browser -p no:cacheprovider
fi

#!/usr/bin/env bash
# Install chiso with its test tools into .venv and run every test (lint, engine, Django, on SQLite).
# With CI=true it also runs the whole suite on PostgreSQL (127.0.0.1:5432, database `test`) and the
# browser tests (Playwright driving Debian's chromium). It installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh
if [ "${CI:-}" = "true" ]; then
  install_system_packages java chromium
  install_chiso "test,browser"
else
  install_system_packages java
  install_chiso "test"
fi

# Tests never touch the user's own chiso database.
CHISO_HOME="$(mktemp -d)"
export CHISO_HOME
trap 'rm -rf "$CHISO_HOME"' EXIT

.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy

# The suite runs on every core (pytest-xdist, one test database and one data folder per worker,
# see conftest.py); each file's tests stay on one worker, so its module-scoped fixtures (the crawls,
# the seeded demo of the browser tests, each with its own live server) are built once. Each pass has its own data folder (file cache, uploads).
PARALLEL=(-n "${CHISO_TEST_WORKERS:-auto}" --dist loadfile)

echo "== Test suite on SQLite"
CHISO_HOME="$CHISO_HOME/sqlite" env -u DATABASE_URL .venv/bin/pytest -q -m "not browser" "${PARALLEL[@]}"

if [ "${CI:-}" = "true" ]; then
  echo "== Test suite on PostgreSQL"
  CHISO_HOME="$CHISO_HOME/postgresql" \
    DATABASE_URL="${CHISO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/test}" \
    .venv/bin/pytest -q -m "not browser" -p no:cacheprovider "${PARALLEL[@]}"
  echo "== Browser tests (chromium)"
  CHISO_HOME="$CHISO_HOME/browser" env -u DATABASE_URL \
    .venv/bin/pytest -q -m browser -p no:cacheprovider "${PARALLEL[@]}"
fi

#!/usr/bin/env bash
# Install chiso into .venv and run the demo: SQLite, the real PAPI and PCI data, the web app on
# http://127.0.0.1:8000 (pass --port N for another port).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/install.sh
install_system_packages
install_chiso ""
exec .venv/bin/chiso demo "$@"

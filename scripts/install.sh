#!/usr/bin/env bash
# Shared by demo.sh and test.sh: system packages PyICU needs, then chiso into .venv.
# Usage: source scripts/install.sh; install_system_packages [java] [chromium]; install_chiso EXTRAS
#   (EXTRAS e.g. "" or "test" or "test,browser")
install_system_packages() {
  local packages=()
  command -v pkg-config >/dev/null 2>&1 || packages+=(pkg-config)
  pkg-config --exists icu-uc 2>/dev/null || packages+=(libicu-dev)   # PyICU builds against ICU
  command -v g++ >/dev/null 2>&1 || packages+=(g++)
  command -v xgettext >/dev/null 2>&1 || packages+=(gettext)          # makemessages (catalogue test)
  python3 -c "import venv, ensurepip" >/dev/null 2>&1 || packages+=(python3-venv)
  # Liberation Serif stands in for Times New Roman (Decree 30/2020) in the PDF reports. The list is
  # read whole first: `fc-list | grep -q` fails under `set -o pipefail` when grep stops at the first
  # match and fc-list dies of SIGPIPE (exit 141), which would reinstall the fonts on every start.
  local fonts
  fonts="$(fc-list 2>/dev/null || true)"
  [[ "${fonts,,}" == *"liberation serif"* ]] || packages+=(fonts-liberation)
  packages+=("$@")
  local missing=()
  for package in "${packages[@]}"; do
    case "$package" in
      chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium) ;;
      # Java runs Spark (`chiso dossiers compute --engine spark` and its tests; PySpark 4 needs Java
      # 17+): Debian's default headless JRE, asked for by the tests only, not by the demo.
      java) command -v java >/dev/null 2>&1 || missing+=(default-jre-headless) ;;
      *) missing+=("$package") ;;
    esac
  done
  if [ ${#missing[@]} -gt 0 ]; then
    local sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    echo "Installing system packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

install_chiso() {
  local extras="${1:-}"
  [ -x .venv/bin/python ] || python3 -m venv .venv
  local target="."
  [ -z "$extras" ] || target=".[${extras}]"
  .venv/bin/python -m pip install -q --disable-pip-version-check -e "$target"
}

#!/usr/bin/env bash
# Installs everything the project needs into .venv (created if missing). Idempotent: a second run
# only checks. Usage: bash scripts/setup.sh [EXTRAS]   (EXTRAS: "" for the app, "dev" for the tests)
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
python="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($python --version 2>&1)"
  "$python" -m venv .venv
fi
# shellcheck disable=SC1091
. .venv/bin/activate
export PIP_DISABLE_PIP_VERSION_CHECK=1

# torch first and pinned: an unpinned torch drags in a multi-GB CUDA build. 2.13.0 is the CPU
# build on this project's machines; elsewhere pip takes PyPI's build of the same version.
if ! python -c "import torch" 2>/dev/null; then
  echo "setup: installing torch 2.13.0"
  python -m pip install -q "torch==2.13.0"
fi

spec="."
[ -n "$extras" ] && spec=".[$extras]"
stamp=".venv/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)-${extras:-base}"
if [ ! -f "$stamp" ]; then
  echo "setup: installing the project ($spec)"
  python -m pip install -q -e "$spec"
  touch "$stamp"
fi

# The tests' real components: Chromium (browser tests), LibreOffice and poppler (the documents the
# project writes are opened by LibreOffice and rendered to PNG by pdftoppm).
if [[ ",$extras," == *",dev,"* ]] && ! { command -v chromium && command -v soffice && command -v pdftoppm; } >/dev/null 2>&1; then
  echo "setup: installing Debian's chromium, libreoffice-writer-nogui and poppler-utils for the tests"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium libreoffice-writer-nogui poppler-utils >/dev/null
fi

#!/usr/bin/env bash
# Sets up (bash scripts/setup.sh dev), then runs the linter and the whole test suite.
# Extra arguments go to pytest, e.g. bash scripts/test.sh -k split
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
# shellcheck disable=SC1091
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
ruff check .
python -m pytest "$@"

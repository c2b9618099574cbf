#!/usr/bin/env bash
# Sets up (bash scripts/setup.sh dev), then runs the linters and the whole test suite.
# Extra arguments go to pytest, e.g. bash scripts/test.sh -k split
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev
# shellcheck disable=SC1091
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false
ruff check .
lint-imports  # the layers: app/CLI > pipeline > stages > engines > errors/options (pyproject.toml)
python -m pytest "$@"

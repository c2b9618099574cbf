#!/usr/bin/env bash
# Sets up (bash scripts/setup.sh), then starts the web app on http://127.0.0.1:7860.
# Extra arguments go to app.py, e.g. bash scripts/app.sh --port 8080 --translation-model ./models/opus-mt-ar-en
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# shellcheck disable=SC1091
. .venv/bin/activate
exec python app.py "$@"

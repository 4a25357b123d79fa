#!/usr/bin/env bash
# The test command (README): the whole suite, slow and browser tests included.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .venv/bin/activate ] && . .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
mkdir -p artifacts
python -m pytest "$@"

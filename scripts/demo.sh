#!/usr/bin/env bash
# The main job on a fresh machine: install, index the starter knowledge, create demo accounts (tokens
# printed), precheck the shared sample submissions, and serve the UI at http://127.0.0.1:8000.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
. .venv/bin/activate
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
jixiao demo "$@"

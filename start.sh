#!/usr/bin/env bash
# Sets up HandCoach on this machine (first run only) and starts the app in the browser.
# Extra arguments go to Streamlit, e.g. ./start.sh --server.port 8765
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
exec .venv/bin/handcoach app "$@"

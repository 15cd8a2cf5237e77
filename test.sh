#!/usr/bin/env bash
# Sets up HandCoach on this machine (first run only) and runs the lint and the tests.
# Extra arguments go to pytest, e.g. ./test.sh -k kinematics
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh --test
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"

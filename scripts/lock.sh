#!/usr/bin/env bash
# Refreshes requirements.lock, the exact versions and SHA-256 hashes of every package that
# scripts/setup.sh installs (HandCoach's dependencies and its test tools), for Python
# 3.10-3.12 on any platform, from pyproject.toml. Run it after changing a dependency in
# pyproject.toml and commit both files; `scripts/lock.sh --upgrade` moves every package
# to the newest release pyproject.toml allows. It needs PyPI; setup.sh then does not.
set -euo pipefail
cd "$(dirname "$0")/.."
tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
python3 -m venv "$tools/venv"
"$tools/venv/bin/python" -m pip install -q --disable-pip-version-check "uv>=0.9,<1"
"$tools/venv/bin/uv" pip compile pyproject.toml --extra test --universal \
  --python-version 3.10 --generate-hashes --index-url https://pypi.org/simple \
  --custom-compile-command "scripts/lock.sh" --quiet -o requirements.lock "$@"
echo "lock: requirements.lock has $(grep -c '^[a-z0-9].*==' requirements.lock) packages"

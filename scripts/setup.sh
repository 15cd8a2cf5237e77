#!/usr/bin/env bash
# Sets up a fresh machine for HandCoach: system packages (Debian/Ubuntu), a virtual
# environment in .venv, and the project with its test tools, at exactly the versions of
# requirements.lock, each file checked against its SHA-256 there (pip --require-hashes;
# scripts/lock.sh refreshes the lock). Safe to run again: it only reinstalls when
# pyproject.toml or requirements.lock changed. With --test (./test.sh), also Debian's
# chromium, the real browser the end-to-end tests drive (Playwright never downloads one
# here), and poppler-utils, which the report tests read PDFs with.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
# OpenCV (pulled in by mediapipe) links libGL and GLib even when no window is shown.
[ -e /usr/lib/x86_64-linux-gnu/libGL.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libGL.so.1 ] \
  || need+=(libgl1)
[ -e /usr/lib/x86_64-linux-gnu/libglib-2.0.so.0 ] \
  || [ -e /usr/lib/aarch64-linux-gnu/libglib-2.0.so.0 ] || need+=(libglib2.0-0)
# The studio renderer (handcoach render, the Learn page's loops, the rendered tests) opens
# OpenGL without a display or a GPU: EGL and Mesa's software rasteriser, llvmpipe. Asked
# of dpkg, not of file paths: Mesa moves its driver files between releases.
for pkg in libegl1 libegl-mesa0 libgl1-mesa-dri; do
  dpkg-query -W -f='${db:Status-Abbrev}' "$pkg" 2>/dev/null | grep -q '^ii' || need+=("$pkg")
done
# The PDF report's fonts beyond DejaVu (handcoach/review/fonts.py): Noto for the world's
# scripts, Noto CJK, and Symbola for emoji and symbols.
[ -e /usr/share/fonts/truetype/noto/NotoSans-Regular.ttf ] || need+=(fonts-noto-core)
[ -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc ] || need+=(fonts-noto-cjk)
[ -e /usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf ] || need+=(fonts-symbola)
if [ "${1:-}" = "--test" ]; then
  [ -x /usr/bin/chromium ] || need+=(chromium)
  # The PDF report tests render it (pdftoppm) and read its text back (pdftotext).
  command -v pdftoppm >/dev/null 2>&1 || need+=(poppler-utils)
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need[*]}"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${need[@]}" >/dev/null
fi

python=""
for candidate in python3.12 python3.11 python3.10 python3; do
  if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c \
      'import sys; sys.exit(not ((3, 10) <= sys.version_info[:2] <= (3, 12)))'; then
    python="$candidate"; break
  fi
done
if [ -z "$python" ]; then
  echo "error: HandCoach needs Python 3.10, 3.11 or 3.12 (mediapipe 0.10.21 wheels)" >&2
  exit 2
fi

[ -x .venv/bin/python ] || "$python" -m venv .venv
stamp=.venv/.handcoach-installed
want=$(cat pyproject.toml requirements.lock | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing HandCoach and its dependencies into .venv (a few minutes once)"
  # Every package at its locked version, every file's hash checked; then HandCoach itself
  # (editable, built with the locked setuptools: nothing unlocked is fetched).
  .venv/bin/python -m pip install -q --disable-pip-version-check --require-hashes \
    --no-deps -r requirements.lock
  .venv/bin/python -m pip install -q --disable-pip-version-check --no-deps \
    --no-build-isolation -e .
  echo "$want" > "$stamp"
fi

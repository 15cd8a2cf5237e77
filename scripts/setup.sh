#!/usr/bin/env bash
# Sets up a fresh machine for HandCoach: system packages (Debian/Ubuntu), a virtual
# environment in .venv, and the project with its test tools. Safe to run again: it only
# reinstalls when pyproject.toml changed. With --test (./test.sh), also Debian's chromium,
# the real browser the end-to-end tests drive (Playwright never downloads one here), and
# poppler-utils, which the report tests read PDFs with.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg)
# OpenCV (pulled in by mediapipe) links libGL and GLib even when no window is shown.
[ -e /usr/lib/x86_64-linux-gnu/libGL.so.1 ] || [ -e /usr/lib/aarch64-linux-gnu/libGL.so.1 ] \
  || need+=(libgl1)
[ -e /usr/lib/x86_64-linux-gnu/libglib-2.0.so.0 ] \
  || [ -e /usr/lib/aarch64-linux-gnu/libglib-2.0.so.0 ] || need+=(libglib2.0-0)
# The studio renderer (handcoach render) opens OpenGL without a display: EGL and Mesa's
# software rasteriser, llvmpipe (libgbm1 comes with libegl-mesa0).
for lib in libEGL.so.1:libegl1 libEGL_mesa.so.0:libegl-mesa0 dri/swrast_dri.so:libgl1-mesa-dri; do
  [ -e "/usr/lib/x86_64-linux-gnu/${lib%%:*}" ] || [ -e "/usr/lib/aarch64-linux-gnu/${lib%%:*}" ] \
    || need+=("${lib##*:}")
done
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
want=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing HandCoach and its dependencies into .venv (a few minutes once)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e '.[test]'
  echo "$want" > "$stamp"
fi

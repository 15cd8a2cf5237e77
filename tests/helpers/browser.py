"""A real HandCoach app server and a real headless Chromium for the end-to-end tests.

Chromium is Debian's (/usr/bin/chromium), driven by Playwright (no browser of its own is
downloaded). Its webcam is a video file: `--use-fake-device-for-media-stream
--use-file-for-fake-video-capture=FILE.y4m`, which Chromium plays in real time and loops;
`camera_y4m` pads the clip with a still lead-in (the connection takes a moment to come up)
and a tail, so a test sees each rep exactly once.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers.paths import ROOT, ffmpeg

CHROMIUM = Path("/usr/bin/chromium")
#: the rendered fist sample: 3 reps of a right hand, palm side on.
SAMPLE_FIST = ROOT / "sample_videos" / "fist.mp4"
SAMPLE_GLIDES = ROOT / "sample_videos" / "tendon_glides.mp4"
#: the rep counter beside the live video.
REPS = '[data-testid="stMetric"]'
ARTIFACTS = ROOT / "test-artifacts"
#: what Chromium is started with: headless, no network of its own (this machine has
#: none, and each refused connection costs time), a fresh profile, a fake camera.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic",
                 "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                 "--autoplay-policy=no-user-gesture-required"]


def need_chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (.ci/run installs it: "
                    "apt-get install chromium)")
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed (pip install -e '.[test]')")
    return CHROMIUM


def camera_y4m(src: Path, out: Path, lead_s: float = 3.0, tail_s: float = 12.0,
               tail: str = "black", fps: float = 15.0) -> Path:
    """`src` as a Chromium fake-webcam file at `fps`: the first frame held for `lead_s`,
    then the clip, then `tail_s` of black (the hand leaves) or of the last frame held."""
    stop = f"stop_mode=add:color=black:stop_duration={tail_s}" if tail == "black" \
        else f"stop_mode=clone:stop_duration={tail_s}"
    ffmpeg("-i", str(src), "-an", "-vf",
           f"tpad=start_mode=clone:start_duration={lead_s}:{stop},fps={fps:g},"
           "scale=640:480:force_original_aspect_ratio=decrease,"
           "pad=640:480:(ow-iw)/2:(oh-ih)/2,format=yuv420p",
           "-f", "yuv4mpegpipe", str(out))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class AppServer:
    url: str
    db_url: str
    log: Path
    port: int
    pid: int


@contextmanager
def app_server(tmp: Path, patient: str = "e2e patient", flags: Sequence[str] | None = None,
               **env: str) -> Iterator[AppServer]:
    """`handcoach app` on a free port, saving to a fresh SQLite file in `tmp` (or where
    env's HANDCOACH_DB_URL says). flags: `handcoach app`'s own (default: headless on
    127.0.0.1, as the other tests have always started it)."""
    port = _free_port()
    db_url = f"sqlite:///{tmp / 'results.db'}"
    log = tmp / "app.log"
    # The user's data and cache folders are the test's own: no program.toml or clips
    # of the machine's user leak in.
    db_url = env.get("HANDCOACH_DB_URL", db_url)
    environ = {**os.environ, "HANDCOACH_DB_URL": db_url, "HANDCOACH_PATIENT": patient,
               "XDG_DATA_HOME": str(tmp / "data"), "XDG_CACHE_HOME": str(tmp / "cache"),
               **env}
    if "HANDCOACH_PROGRAM" not in env:
        environ.pop("HANDCOACH_PROGRAM", None)
    handcoach = shutil.which("handcoach", path=str(Path(sys.executable).parent)) \
        or "handcoach"
    with log.open("w") as fh:
        extra = ["--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"] \
            if flags is None else list(flags)
        proc = subprocess.Popen(
            [handcoach, "app", "--server.headless", "true", "--server.port", str(port), *extra],
            stdout=fh, stderr=subprocess.STDOUT, env=environ, cwd=tmp)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the app did not start: {log.read_text()[-2000:]}")
            time.sleep(0.3)
        yield AppServer(url, db_url, log, port, proc.pid)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


@contextmanager
def chromium(y4m: Path | None = None) -> Iterator[object]:
    """A Playwright page in headless Debian Chromium, its camera playing `y4m`."""
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_ARGS)
    if y4m is not None:
        args.append(f"--use-file-for-fake-video-capture={y4m}")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(need_chromium()), args=args)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 900})
            page.set_default_timeout(30_000)
            yield page
        finally:
            browser.close()


def start_live(page: object, url: str, exercise: str, source: str | None = None,
               upload: Path | None = None) -> None:
    """Open `exercise`'s page, start the session, then the camera (or, with `source`,
    the sample or `upload`ed video named so, played as the camera)."""
    page.goto(f"{url}/exercise?exercise={exercise}")
    page.get_by_role("button", name="Start session").wait_for()
    if source is not None:
        page.get_by_text(source, exact=True).click()
    if upload is not None:
        page.locator('input[type="file"]').set_input_files(str(upload))
        page.get_by_text(upload.name).first.wait_for()
    page.get_by_role("button", name="Start session").click()
    start = "Start camera" if source is None else "Play video"
    page.frame_locator("iframe").first.get_by_role("button", name=start).click()


def wait_for_text(page: object, locator: str, wanted: str, timeout_s: float) -> str:
    """Poll a locator's text until it contains `wanted`; the last text seen is returned
    (and shown in the failure) otherwise."""
    deadline = time.monotonic() + timeout_s
    seen = ""
    while time.monotonic() < deadline:
        texts = page.locator(locator).all_inner_texts()
        seen = " | ".join(t.replace("\n", " ") for t in texts)
        if wanted in seen:
            return seen
        time.sleep(0.25)
    return seen

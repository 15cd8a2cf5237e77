"""Safe by default, as a real server and a real browser show it: `handcoach app` with no
options listens on 127.0.0.1 only, contacts no other computer (start-up, a page, a
cross-origin WebSocket), and a name typed with Markdown in it is shown as text."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from helpers.browser import app_server, chromium, need_chromium
from helpers.paths import ROOT, handcoach

pytestmark = pytest.mark.slow
NETGUARD = ROOT / "tests" / "helpers" / "netguard"
#: a name that Markdown would turn into a link, a remote image, red text and LaTeX.
TRICKY = "[x](http://evil.example/) ![](http://img.example/i.png) :red[Red] $x^2$"


def listening(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on `port` (from /proc/net/tcp{,6})."""
    found = set()
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = open(table).read().splitlines()[1:]      # noqa: PTH123, SIM115
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state != "0A" or int(hex_port, 16) != port:
                continue
            raw = bytes.fromhex(address)
            if width == 8:
                found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
            else:
                words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                found.add(socket.inet_ntop(socket.AF_INET6, words))
    return found


def cross_origin_websocket(port: int) -> str:
    """What the server answers a page from another site opening its WebSocket."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    try:
        with connect(f"ws://127.0.0.1:{port}/_stcore/stream",
                     origin="http://evil.example", open_timeout=10):
            return "accepted"
    except InvalidStatus as exc:
        return f"refused {exc.response.status_code}"


def test_the_app_listens_on_this_computer_only_and_contacts_no_other(tmp_path):
    need_chromium()
    netlog = tmp_path / "net.log"
    env = {"PYTHONPATH": str(NETGUARD), "HANDCOACH_TEST_NETLOG": str(netlog)}
    with app_server(tmp_path, patient=TRICKY, flags=[], **env) as app:
        assert listening(app.port) == {"127.0.0.1"}
        with chromium() as page:
            page.goto(app.url)
            page.get_by_text("Today's exercises").wait_for(timeout=60_000)
            page.get_by_role("button", name="Start", exact=True).first.wait_for()
            hello = page.get_by_text("Hello", exact=False).first.inner_text()
            links = page.locator('a[href*="evil.example"]').count()
            images = page.locator('img[src*="img.example"]').count()
        assert cross_origin_websocket(app.port) == "refused 403"
        log = app.log.read_text()
    assert TRICKY in hello.replace("\u2060", "")   # every character shown as typed
    assert links == 0 and images == 0
    assert "External URL" not in log and "Network URL" not in log
    assert "gatherUsageStats" not in log          # no "Collecting usage statistics"
    lines = netlog.read_text().splitlines()
    watched = [line for line in lines if " watching " in line]
    assert any("handcoach.streamlit_main" in line for line in watched), lines
    contacted = [line for line in lines if " watching " not in line]
    assert contacted == [], f"the server reached out: {contacted}"
    # The guard does see an attempt: a UDP socket "connected" to a documentation
    # address (connecting a UDP socket sends nothing).
    subprocess.run([sys.executable, "-c", "import socket\n"
                    "socket.socket(socket.AF_INET, socket.SOCK_DGRAM).connect(('192.0.2.1', 9))"],
                   env={**os.environ, **env}, check=True)
    assert "connect ('192.0.2.1', 9)" in netlog.read_text()


@pytest.mark.parametrize("args", [["--listen", "0.0.0.0"], ["--server.address", "0.0.0.0"],
                                  ["--behind-proxy"], ["--listen=192.0.2.10"]])
def test_serving_other_computers_without_accounts_is_refused_in_one_line(tmp_path,
                                                                         monkeypatch, args):
    monkeypatch.setenv("HANDCOACH_DB_URL", f"sqlite:///{tmp_path / 'results.db'}")
    proc = handcoach("app", *args)
    assert proc.returncode == 2
    assert proc.stderr.count("\n") == 1 and "needs accounts" in proc.stderr
    assert proc.stderr.startswith("error: serving other computers")


def test_the_server_command_carries_the_safe_settings():
    from handcoach.app_command import plan, streamlit_command

    home = streamlit_command(plan([], {}))
    assert home[:3] == [sys.executable, "-m", "handcoach.streamlit_main"]
    flags = set(home)
    assert {"--server.address=127.0.0.1", "--browser.gatherUsageStats=false",
            "--server.showEmailPrompt=false", "--server.maxUploadSize=200"} <= flags
    clinic = plan(["--listen", "0.0.0.0", "--server.port", "8600"], {})
    assert clinic.for_others and clinic.streamlit_args == ("--server.port", "8600")
    assert any(f.startswith("--browser.serverAddress=") for f in streamlit_command(clinic))
    assert not plan(["--listen", "127.0.0.2"], {}).for_others
    assert plan([], {"HANDCOACH_PROXY": "127.0.0.1"}).for_others
    assert subprocess.run([sys.executable, "-c", "import handcoach.streamlit_main"],
                          check=False).returncode == 0

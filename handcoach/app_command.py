"""`handcoach app`: the Streamlit server, safe by default.

By default the app listens on 127.0.0.1 only: the patient's own computer, nobody else on
the Wi-Fi. Serving other computers is an explicit setting, `--listen ADDRESS` (or
HANDCOACH_LISTEN), or `--behind-proxy` (HANDCOACH_PROXY) for a TLS reverse proxy on this
computer (README, "Opening it to a clinic network"); either refuses to start until
accounts exist, because a home install without accounts lets anyone who reaches it read
every patient.

Nothing leaves the machine: usage statistics are off, the e-mail prompt (which posts
to Streamlit) is off, and Streamlit's own look-up of this computer's public address
(checkip.amazonaws.com, done at start-up when no address is set and for every
cross-origin WebSocket) is replaced by "unknown" in the server process
(handcoach.streamlit_main). `SETTINGS` is the project's Streamlit configuration; flags
given after `handcoach app` are Streamlit's and come after it.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ENV_LISTEN = "HANDCOACH_LISTEN"
ENV_PROXY = "HANDCOACH_PROXY"
LOCAL = "127.0.0.1"
#: the largest upload the app takes, MB (Streamlit refuses bigger files itself, in the
#: browser; app/videos.py says so in words too). 200 MB is several minutes of phone
#: video at 1080p.
MAX_UPLOAD_MB = 200

#: HandCoach's Streamlit configuration, passed as flags (the same whatever folder the
#: app is started from, which a .streamlit/config.toml would not be).
SETTINGS: dict[str, str] = {
    "server.address": LOCAL,                  # this computer only, unless --listen
    "browser.gatherUsageStats": "false",      # no usage statistics sent to Streamlit
    "server.showEmailPrompt": "false",        # no first-run e-mail prompt (it posts out)
    "client.toolbarMode": "minimal",          # no developer "Deploy" menu
    "client.showErrorDetails": "none",        # no traceback on a patient's screen
    "server.maxUploadSize": str(MAX_UPLOAD_MB),
    "server.enableXsrfProtection": "true",
    "server.enableCORS": "true",
    "server.runOnSave": "false",
    "server.fileWatcherType": "none",         # the installed app never changes under it
    "global.developmentMode": "false",
    # Streamlit runs a full garbage collection after every script run, and the live
    # page's status reruns 3 times a second: with MediaPipe, pandas and the ORM loaded
    # that was half the server's CPU, taken with the GIL held, so frames queued behind
    # it and a short fist could fall between the frames that got through. Python's own
    # collector still frees cycles as it always does.
    "runner.postScriptGC": "false",
}


class ServeError(ValueError):
    """The app cannot be served as asked; the message is one line."""


@dataclass(frozen=True)
class Serving:
    """Where the server listens, and whether other computers reach it."""

    address: str
    proxy: str | None
    streamlit_args: tuple[str, ...]

    @property
    def for_others(self) -> bool:
        return self.proxy is not None or not is_loopback(self.address)


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8, ::1 and "localhost": only this computer can connect."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip("[]")).is_loopback
    except ValueError:
        return False   # a host name: it may resolve to anything


def _take(args: list[str], flag: str) -> str | None:
    """Remove `flag VALUE` or `flag=VALUE` from args; its value (the last one given)."""
    value = None
    out: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == flag:
            if i + 1 >= len(args):
                raise ServeError(f"{flag} needs a value")
            value = args[i + 1]
            i += 2
            continue
        if a.startswith(flag + "="):
            value = a.split("=", 1)[1]
        else:
            out.append(a)
        i += 1
    args[:] = out
    return value


def plan(argv: Sequence[str], environ: dict[str, str]) -> Serving:
    """What `handcoach app ARGS` will serve. Streamlit's own --server.address counts as
    --listen (it is the same setting)."""
    args = [a for a in argv if a != "--"]
    listen = _take(args, "--listen")
    proxy_flag = "--behind-proxy" in args
    args = [a for a in args if a != "--behind-proxy"]
    streamlit_address = _take(args, "--server.address")
    address = (listen or streamlit_address or environ.get(ENV_LISTEN)
               or environ.get("STREAMLIT_SERVER_ADDRESS") or LOCAL)
    proxy = environ.get(ENV_PROXY) or (LOCAL if proxy_flag else None)
    if not address:
        raise ServeError("--listen needs an address, e.g. --listen 0.0.0.0")
    return Serving(address, proxy, tuple(args))


def check_accounts(serving: Serving) -> None:
    """Refuse to serve other computers from a store without accounts (one line)."""
    if not serving.for_others:
        return
    from handcoach.accounts import any_accounts
    from handcoach.storage import Store

    if not any_accounts(Store.open()):
        how = f"--listen {serving.address}" if not is_loopback(serving.address) \
            else "--behind-proxy"
        raise ServeError(f"serving other computers ({how}) needs accounts, or anyone who "
                         "reaches this computer could read every patient: first create an "
                         "administrator with `handcoach users add NAME --role admin`")


def streamlit_command(serving: Serving) -> list[str]:
    """The server's command line: our settings, then the user's Streamlit flags."""
    home = Path(__file__).resolve().parent.parent / "app" / "main.py"
    settings = {**SETTINGS, "server.address": serving.address}
    if serving.for_others and "browser.serverAddress" not in " ".join(serving.streamlit_args):
        # A named address: Streamlit then prints it instead of looking up this
        # computer's public address.
        settings["browser.serverAddress"] = serving.address if not \
            serving.address.startswith(("0.0.0.0", "::")) else socket.gethostname()
    flags = [f"--{k}={v}" for k, v in settings.items()]
    return [sys.executable, "-m", "handcoach.streamlit_main", "run", str(home), *flags,
            *serving.streamlit_args]


def run(argv: Sequence[str]) -> int:
    """Start the server (this process becomes it: a stop signal reaches it)."""
    serving = plan(argv, dict(os.environ))
    check_accounts(serving)
    cmd = streamlit_command(serving)
    env = {**os.environ, ENV_LISTEN: serving.address}
    if serving.proxy:
        env[ENV_PROXY] = serving.proxy
    for key in ("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "STREAMLIT_SERVER_ADDRESS"):
        env.pop(key, None)
    if os.name == "posix":
        sys.stdout.flush()
        os.execve(sys.executable, cmd, env)
    return subprocess.call(cmd, env=env)

"""Loaded by every Python started with this folder on PYTHONPATH (tests/e2e's app
server): writes each attempt to reach another computer to $HANDCOACH_TEST_NETLOG, one
line each (a name looked up, or an address connected or sent to), and lets it go on.
Each process also writes one `watching` line with its command line, so a test can see
that the guard was there.

Loopback addresses and Unix sockets are this computer and are not written."""

from __future__ import annotations

import ipaddress
import os
import socket

_LOG = os.environ.get("HANDCOACH_TEST_NETLOG")
_LOCAL_NAMES = {"localhost", "ip6-localhost", "", None}


def _outside(host: object) -> bool:
    if not isinstance(host, str):
        return host is not None and not isinstance(host, bytes)
    try:
        return not ipaddress.ip_address(host.split("%")[0]).is_loopback \
            and host not in ("0.0.0.0", "::")
    except ValueError:
        return host not in _LOCAL_NAMES


def _note(what: str, target: object) -> None:
    with open(_LOG, "a", encoding="utf-8") as fh:      # noqa: PTH123
        fh.write(f"{os.getpid()} {what} {target!r}\n")


if _LOG:
    try:
        with open("/proc/self/cmdline", "rb") as fh:     # noqa: PTH123
            _cmd = fh.read().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        _cmd = "?"
    _note("watching", _cmd)
    _getaddrinfo = socket.getaddrinfo
    _connect = socket.socket.connect
    _connect_ex = socket.socket.connect_ex
    _sendto = socket.socket.sendto

    def getaddrinfo(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if _outside(host.decode() if isinstance(host, bytes) else host):
            _note("lookup", host)
        return _getaddrinfo(host, *args, **kwargs)

    def _check(sock: socket.socket, address: object, what: str) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple) \
                and _outside(address[0]):
            _note(what, address)

    def connect(self, address):  # type: ignore[no-untyped-def]
        _check(self, address, "connect")
        return _connect(self, address)

    def connect_ex(self, address):  # type: ignore[no-untyped-def]
        _check(self, address, "connect")
        return _connect_ex(self, address)

    def sendto(self, data, *args):  # type: ignore[no-untyped-def]
        _check(self, args[-1], "send")
        return _sendto(self, data, *args)

    socket.getaddrinfo = getaddrinfo
    socket.socket.connect = connect
    socket.socket.connect_ex = connect_ex
    socket.socket.sendto = sendto

"""The Streamlit server process of `handcoach app` (`python -m handcoach.streamlit_main`).

Streamlit looks up this computer's public IP address (an HTTP request to
checkip.amazonaws.com) to print an "External URL" at start-up and, for any cross-origin
WebSocket, to decide whether the origin is this computer (and its network address, with
a UDP socket "connected" to 8.8.8.8). HandCoach sends nothing off the
machine, so here that look-up always answers "unknown" before Streamlit starts; with it,
a cross-origin page is refused as Streamlit refuses any unknown origin.
"""

from __future__ import annotations

import sys


def _no_public_address() -> None:
    """Streamlit's public-address look-up, answered without the network."""
    return None


def main() -> None:
    from streamlit import net_util
    from streamlit.web import cli

    net_util.get_external_ip = _no_public_address
    # Its local-network address too: found by "connecting" a UDP socket to 8.8.8.8.
    net_util.get_internal_ip = _no_public_address
    sys.argv[0] = "streamlit"
    sys.exit(cli.main())


if __name__ == "__main__":
    main()

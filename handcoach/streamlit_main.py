"""The Streamlit server process of `handcoach app` (`python -m handcoach.streamlit_main`).

Streamlit looks up this computer's public IP address (an HTTP request to
checkip.amazonaws.com) to print an "External URL" at start-up and, for any cross-origin
WebSocket, to decide whether the origin is this computer (and its network address, with
a UDP socket "connected" to 8.8.8.8). HandCoach sends nothing off the
machine, so here that look-up always answers "unknown" before Streamlit starts; with it,
a cross-origin page is refused as Streamlit refuses any unknown origin.

A rerun of the whole page that is waiting to start is kept whole when a fragment's timer
asks for a rerun of that fragment meanwhile (`_keep_full_reruns`). Streamlit merges the two
into a rerun of the fragment alone, so the page's other elements do not run: the live
page's camera component, whose answer to the browser's connection offer is sent by a
rerun of the whole page, then never answered, and a camera the flow started on its own
stayed dark for half a minute while its status refreshed three times a second.
"""

from __future__ import annotations

import sys


def _no_public_address() -> None:
    """Streamlit's public-address look-up, answered without the network."""
    return None


def _keep_full_reruns() -> None:
    """A fragment's rerun asked for while a whole-page rerun waits becomes part of it (the
    whole page runs every fragment anyway) instead of replacing it."""
    from dataclasses import replace

    from streamlit.runtime.scriptrunner_utils.script_requests import (
        ScriptRequests,
        ScriptRequestType,
    )

    merge = ScriptRequests.request_rerun
    if getattr(merge, "keeps_full_reruns", False):
        return

    def request_rerun(self: ScriptRequests, new_data: object) -> bool:
        with self._lock:
            full_waiting = (self._state == ScriptRequestType.RERUN
                            and not self._rerun_data.fragment_id_queue)
        if full_waiting and getattr(new_data, "fragment_id", None):
            new_data = replace(new_data, fragment_id=None)
        return merge(self, new_data)

    request_rerun.keeps_full_reruns = True  # type: ignore[attr-defined]
    ScriptRequests.request_rerun = request_rerun  # type: ignore[method-assign]


def main() -> None:
    from streamlit import net_util
    from streamlit.web import cli

    _keep_full_reruns()
    net_util.get_external_ip = _no_public_address
    # Its local-network address too: found by "connecting" a UDP socket to 8.8.8.8.
    net_util.get_internal_ip = _no_public_address
    sys.argv[0] = "streamlit"
    sys.exit(cli.main())


if __name__ == "__main__":
    main()

"""The app server's fix of Streamlit's rerun merging (handcoach.streamlit_main), on
Streamlit's own request queue: a rerun of the whole page that waits (the camera's answer
to the browser's offer is sent by one) survives the live status's timer."""

from __future__ import annotations

from streamlit.runtime.scriptrunner_utils.script_requests import (
    RerunData,
    ScriptRequests,
    ScriptRequestType,
)

from handcoach.streamlit_main import _keep_full_reruns


def _next_run(requests: ScriptRequests) -> list[str]:
    """The fragments the script runner's next run is limited to ([]: the whole page)."""
    request = requests.on_scriptrunner_ready()
    assert request.type == ScriptRequestType.RERUN
    return list(request.rerun_data.fragment_id_queue)


def test_a_fragments_timer_does_not_shrink_a_waiting_rerun_of_the_whole_page():
    _keep_full_reruns()
    _keep_full_reruns()        # idempotent: the server may be started twice in a process
    requests = ScriptRequests()
    assert requests.request_rerun(RerunData())                        # the whole page
    assert requests.request_rerun(RerunData(fragment_id="status"))    # the 0.3 s timer
    assert _next_run(requests) == []


def test_a_fragments_timer_alone_still_reruns_only_the_fragment():
    _keep_full_reruns()
    requests = ScriptRequests()
    assert requests.request_rerun(RerunData(fragment_id="status"))
    assert requests.request_rerun(RerunData(fragment_id="status"))
    assert _next_run(requests) == ["status"]

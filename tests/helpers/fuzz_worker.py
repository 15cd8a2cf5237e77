"""Runs `handcoach analyze` on many files quickly: the command line is imported once, and
each file gets a forked child process that runs `handcoach.cli.main` exactly as the
`handcoach` command does, its stdout and stderr going to files. A child that runs longer
than the timeout is killed and reported as a hang.

    python fuzz_worker.py OUT.json TIMEOUT_S PARALLEL FILE [FILE ...]

OUT.json: [{"file", "exit", "stdout", "stderr", "seconds"}], exit None for a hang.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import tempfile
import time
from pathlib import Path


def _child(video: str, out: Path, err: Path, args: list[str]) -> None:
    from handcoach import cli

    fd_out = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    fd_err = os.open(err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    os.dup2(fd_out, 1)
    os.dup2(fd_err, 2)
    sys.stdout = os.fdopen(1, "w", buffering=1)
    sys.stderr = os.fdopen(2, "w", buffering=1)
    try:
        code = cli.main(["analyze", video, *args])
    except BaseException:          # what a user would see: Python's own traceback
        import traceback

        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main() -> None:
    out_json, timeout_s, parallel, *files = sys.argv[1:]
    import handcoach.analysis  # noqa: F401 - the heavy imports, once, before forking
    from handcoach import cli  # noqa: F401

    work = Path(tempfile.mkdtemp(prefix="handcoach-fuzz-"))
    pending = list(enumerate(files))
    running: dict[int, tuple[int, str, float]] = {}
    results: list[dict[str, object]] = []
    while pending or running:
        while pending and len(running) < int(parallel):
            i, video = pending.pop(0)
            args = ["--json"] + (["--exercise", "fist"] if i % 2 else [])
            pid = os.fork()
            if pid == 0:
                _child(video, work / f"{i}.out", work / f"{i}.err", args)
            running[pid] = (i, video, time.monotonic())
        time.sleep(0.02)
        for pid, (i, video, started) in list(running.items()):
            done, status = os.waitpid(pid, os.WNOHANG)
            hung = not done and time.monotonic() - started > float(timeout_s)
            if hung:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
            if done or hung:
                del running[pid]
                results.append({
                    "file": video, "exit": None if hung else os.waitstatus_to_exitcode(status),
                    "stdout": (work / f"{i}.out").read_text(errors="replace"),
                    "stderr": (work / f"{i}.err").read_text(errors="replace"),
                    "seconds": round(time.monotonic() - started, 2)})
    Path(out_json).write_text(json.dumps(results))


if __name__ == "__main__":
    main()

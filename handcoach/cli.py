"""`handcoach` command line (docs/interfaces.md).

Bad input of any kind ends with one line on stderr starting with `error:` and exit status
2, never a traceback: patients and scripts both read it.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING

from exercises.catalog import EXERCISE_IDS
from handcoach.audit_command import add_arguments as audit_arguments
from handcoach.report_command import add_report_arguments
from handcoach.users_command import add_arguments as users_arguments

if TYPE_CHECKING:
    from handcoach.analysis import AnalysisResult, VideoAnalysis
    from handcoach.storage import BackgroundRecorder, Store

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad command-line input; the message is shown after `error:`."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse would print usage on two lines
        raise UsageError(message)


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="handcoach", description="Computer-vision coach for hand therapy.")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    app = sub.add_parser("app", help="start the Streamlit app (extra arguments go to Streamlit)")
    app.add_argument("streamlit_args", nargs=argparse.REMAINDER)

    an = sub.add_parser("analyze", help="analyse a recorded video")
    an.add_argument("video")
    an.add_argument("--exercise", choices=EXERCISE_IDS, metavar="ID")
    an.add_argument("--hand", choices=("left", "right", "auto"), default="auto")
    an.add_argument("--model", choices=("lite", "full"), default="lite")
    an.add_argument("--mirrored", action="store_true",
                    help="the video is a mirrored selfie preview (left and right swapped)")
    an.add_argument("--program", type=Path, metavar="FILE.toml",
                    help="a therapist's program: dose, order or targets that differ from "
                         "the exercise library (same shape as exercises/definitions.toml)")
    an.add_argument("--json", action="store_true", help="print one JSON object")
    an.add_argument("--frames", action="store_true", help="with --json: add per-frame angles")
    an.add_argument("--save", action="store_true",
                    help="store the result as a session of --patient (HANDCOACH_DB_URL, else "
                         "an SQLite file in the user's data folder)")
    an.add_argument("--patient", metavar="NAME", help="with --save: whose session it is")

    se = sub.add_parser("sessions", help="saved sessions")
    se_sub = se.add_subparsers(dest="sessions_command", required=True, parser_class=_Parser)
    ex = se_sub.add_parser("export", help="print saved sessions, one row per session")
    ex.add_argument("--patient", metavar="NAME", help="only this patient's sessions")
    ex.add_argument("--format", choices=("csv", "json", "fhir"), default="csv",
                    help="csv (default; a spreadsheet opens it), json (a list of objects "
                         "with the same keys) or fhir (one HL7 FHIR R4 Bundle: patients, "
                         "range of motion, pain, prescriptions; docs/fhir.md)")
    ex.add_argument("--reps", action="store_true",
                    help="one row per rep instead: its time, positions, holds, flags and "
                         "peak and lowest flexion per joint")
    add_report_arguments(sub)

    users_arguments(sub)
    audit_arguments(sub)

    rd = sub.add_parser("render", help="render a synthetic hand doing an exercise")
    rd.add_argument("exercise", choices=EXERCISE_IDS, metavar="EXERCISE")
    rd.add_argument("--out", required=True, type=Path)
    rd.add_argument("--truth", type=Path)
    rd.add_argument("--reps", type=int)
    rd.add_argument("--seed", type=int, default=0)
    # The studio (a skinned MakeHuman hand in a room, handcoach/synthetic/studio.py) is the
    # default; the capsule hand stays behind --renderer capsule while tests move over.
    rd.add_argument("--renderer", choices=("studio", "capsule"), default="studio")
    rd.add_argument("--view", choices=("palm", "back", "thumb-side", "little-side", "oblique"),
                    help="which side of the hand faces the camera (studio only; default: "
                         "the exercise's recommended view)")
    rd.add_argument("--skin", choices=("light", "medium", "dark"), default="medium")
    rd.add_argument("--hand", choices=("left", "right"), default="right")
    return p


def _analyze(args: argparse.Namespace) -> int:
    from handcoach.analysis import VideoAnalysis
    from handcoach.text import person_name

    if args.save and not (args.patient or "").strip():
        raise UsageError("--save needs --patient NAME")
    if args.patient is not None and not args.save:
        raise UsageError("--patient goes with --save")
    if args.patient is not None:
        args.patient = person_name(args.patient, "--patient")
    store = None
    if args.save:
        from handcoach.storage import Store

        # Before the analysis, which takes a while: a bad or unreachable store fails now.
        store = Store.open()
    with VideoAnalysis(args.video, exercise=args.exercise, hand=args.hand, model=args.model,
                       mirrored=args.mirrored, program=args.program) as analysis:
        recorder = started = None
        if store is not None:
            recorder, started = _start_recording(analysis, args, store)
        result = analysis.run(sink=recorder)
    if result.ended_early:
        print(f"warning: {result.ended_early}; results cover the part before it",
              file=sys.stderr)
    if result.retimed:
        print(f"warning: {result.retimed}", file=sys.stderr)
    saved, failure = None, None
    if recorder is not None and started is not None:
        saved, failure = _finish_recording(recorder, started, result)
    if args.json:
        out = result.to_json(frames=args.frames)
        if saved is not None:
            out["session_id"] = saved   # an extension of the promised shape, with --save
        json.dump(out, sys.stdout)
        sys.stdout.write("\n")
    else:
        from handcoach.summary import format_summary

        print(format_summary(result))
        if saved is not None:
            print(f"saved as session {saved} of {args.patient}")
    if failure is not None:
        # The result is printed first: minutes of analysis are not lost with the save.
        raise failure
    return 0


def _start_recording(analysis: VideoAnalysis, args: argparse.Namespace, store: Store
                     ) -> tuple[BackgroundRecorder, datetime]:
    """A recorder the analysis streams into, as the live app's does. When the video was
    filmed is not known: the session is dated as ending when the analysis starts."""
    from handcoach.storage import BackgroundRecorder

    dose = analysis.exercise.dose if analysis.exercise is not None else None
    started = datetime.now(timezone.utc) - timedelta(seconds=analysis.expected_duration_s)
    recorder = BackgroundRecorder(store)
    recorder.start(args.patient, args.exercise, None if args.hand == "auto" else args.hand,
                   "video", video_name=args.video, model=args.model,
                   prescribed_reps=dose.reps if dose else None,
                   prescribed_sets=dose.sets if dose else None, fps=analysis.fps,
                   started_at=started)
    return recorder, started


def _finish_recording(recorder: BackgroundRecorder, started: datetime,
                      result: AnalysisResult) -> tuple[int | None, Exception | None]:
    """Close the recorded session; (session id, None) or (None, the one-line error)."""
    from handcoach.storage import StoreError

    status = "interrupted" if result.ended_early else "complete"
    try:
        saved = recorder.finish(status, duration_s=result.duration_s,
                                ended_at=started + timedelta(seconds=result.duration_s),
                                note="; ".join(result.notes) or None)
    finally:
        recorder.close()
    if saved and recorder.session_id is not None:
        return recorder.session_id, None
    rec = recorder.recorder
    return None, StoreError(f"could not save: {rec.last_error} ({rec.store.where})")


def _sessions(args: argparse.Namespace) -> int:
    if args.format == "fhir":
        if args.reps:
            raise UsageError("--reps has no FHIR form: use --format csv or json")
        from handcoach.fhir_command import print_fhir_export

        return print_fhir_export(args.patient)
    if args.reps:
        from handcoach.report_command import print_rep_export

        return print_rep_export(args.patient, args.format)

    from handcoach.storage import export_rows
    from handcoach.text import person_name

    if args.patient is not None:
        args.patient = person_name(args.patient, "--patient")
    from handcoach.audit_command import log_export

    rows = export_rows(args.patient)
    log_export(args.patient, f"sessions {args.format}, {len(rows)} rows")
    if args.format == "json":
        json.dump(rows, sys.stdout)
        sys.stdout.write("\n")
        return 0
    from handcoach.spreadsheet import write_csv
    from handcoach.storage.records import export_columns

    write_csv(sys.stdout, rows, export_columns())
    return 0


def _report(args: argparse.Namespace) -> int:
    from handcoach.report_command import run_report

    return run_report(args)


def _audit(args: argparse.Namespace) -> int:
    from handcoach.audit_command import run

    return run(args)


def _users(args: argparse.Namespace) -> int:
    from handcoach.users_command import run

    return run(args)


def _render(args: argparse.Namespace) -> int:
    if args.reps is not None and args.reps < 1:
        raise UsageError("--reps must be at least 1")
    for path in (args.out, args.truth):
        if path is not None and not path.parent.exists():
            raise UsageError(f"folder {path.parent} does not exist")
    if args.renderer == "capsule":
        from handcoach.synthetic.render import render_exercise as render_capsules

        if args.view is not None:
            raise UsageError("--view goes with --renderer studio (the capsule hand is filmed "
                             "from its own ulnar view)")
        render = render_capsules
        scene = {"skin": args.skin, "side": args.hand}
    else:
        from handcoach.synthetic.studio import render_exercise as render_studio

        render = render_studio
        scene = {"view": args.view, "skin": args.skin, "hand": args.hand}
    try:
        result = render(args.exercise, args.out, args.truth, reps=args.reps, seed=args.seed,
                        **scene)
    except RuntimeError as exc:      # no OpenGL context, no ffmpeg, or ffmpeg failed
        raise UsageError(str(exc)) from exc
    view = f", {result.view} view" if args.renderer == "studio" else ""
    print(f"wrote {args.out} ({result.reps} reps, {result.frames} frames{view})")
    return 0


def _app(args: argparse.Namespace) -> int:
    from handcoach.app_command import run

    return run(args.streamlit_args)


def _silence_native_stderr() -> None:
    """Keep Python's stderr (our `error:` lines, and tracebacks of real bugs) and send the
    C++ libraries' own fd-2 chatter (MediaPipe/TFLite INFO and W0000 lines) to /dev/null."""
    try:
        sys.stderr.flush()
        kept = os.dup(2)
        sys.stderr = os.fdopen(kept, "w", buffering=1, encoding="utf-8", errors="replace")
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 2)
        os.close(devnull)
    except OSError:
        pass  # no usable fd 2: nothing to protect


def main(argv: list[str] | None = None) -> int:
    from handcoach.accounts.errors import AccountError
    from handcoach.storage.errors import StoreError
    from vision.sources import SourceError

    try:
        argv = sys.argv[1:] if argv is None else argv
        if argv[:1] == ["app"]:
            # Everything after `app` is Streamlit's (argparse's REMAINDER refuses a
            # first argument that looks like an option, such as --server.port).
            args = argparse.Namespace(command="app", streamlit_args=argv[1:])
        else:
            args = _parser().parse_args(argv)
        if args.command != "app" and os.environ.get("HANDCOACH_NATIVE_LOGS") != "1":
            _silence_native_stderr()
        if args.command != "app":
            # The command answers in one `error:` line; the store's retry warnings (meant
            # for the app's log) would otherwise reach stderr through logging's fallback.
            logging.getLogger("handcoach").addHandler(logging.NullHandler())
        return {"analyze": _analyze, "render": _render, "app": _app,
                "sessions": _sessions, "users": _users, "report": _report,
                "audit": _audit}[args.command](args)
    except (UsageError, SourceError, StoreError, AccountError, ValueError, OSError) as exc:
        message = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        print(f"error: {message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())

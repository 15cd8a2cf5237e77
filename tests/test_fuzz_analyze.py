"""A bounded fuzz of `handcoach analyze`: a few dozen damaged copies of a sample video
(cut short, bytes flipped, headers broken), each analysed as the command runs: exit 0 or 2,
an error in one line, warnings only as `warning:` lines, never a traceback or a hang."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import time

import pytest

from helpers.paths import ROOT, ffmpeg

WORKER = ROOT / "tests" / "helpers" / "fuzz_worker.py"
#: per damaged file (a 1 s clip analyses in about a second; a hang is far past this).
TIMEOUT_S = 60
SEED = 17


def _damaged(folder, base: bytes, stem: str, suffix: str, rng: random.Random) -> list:
    files = []

    def write(name: str, data: bytes) -> None:
        path = folder / f"{stem}-{name}{suffix}"
        path.write_bytes(data)
        files.append(path)

    for share in (0.03, 0.25, 0.5, 0.75, 0.97):                       # cut short
        write(f"cut{int(share * 100)}", base[: int(len(base) * share)])
    for k, flips in enumerate((1, 8, 64, 512)):                      # bytes flipped
        data = bytearray(base)
        for _ in range(flips):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        write(f"flip{k}", bytes(data))
    data = bytearray(base)                                            # a burst of noise
    start = rng.randrange(len(data) // 4, len(data) // 2)
    data[start:start + 2000] = rng.randbytes(2000)
    write("burst", bytes(data))
    write("zerohead", bytes(64) + base[64:])                          # headers broken
    write("randhead", rng.randbytes(256) + base[256:])
    write("nohead", base[512:])
    for atom in (b"moov", b"mdat", b"trak", b"stsz", b"avcC", b"Segment"):
        at = base.find(atom)
        if at > 4:                                                     # its size: huge
            data = bytearray(base)
            data[at - 4:at] = b"\xff\xff\xff\xf0"
            write(f"size-{atom.decode().lower()}", bytes(data))
    return files


@pytest.fixture(scope="module")
def damaged(tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz")
    clip = folder / "clip.mp4"                 # the fist sample's first second, index first
    ffmpeg("-i", str(ROOT / "sample_videos" / "fist.mp4"), "-t", "1", "-an", "-c:v",
           "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(clip))
    mkv = folder / "clip.mkv"
    ffmpeg("-i", str(clip), "-c", "copy", str(mkv))
    rng = random.Random(SEED)
    files = _damaged(folder, clip.read_bytes(), "mp4", ".mp4", rng)
    files += _damaged(folder, mkv.read_bytes(), "mkv", ".mkv", rng)
    return files


def test_damaged_videos_are_answered_in_one_line_never_a_traceback_or_a_hang(damaged,
                                                                             tmp_path):
    assert 30 <= len(damaged) <= 40
    out = tmp_path / "results.json"
    started = time.monotonic()
    subprocess.run([sys.executable, str(WORKER), str(out), str(TIMEOUT_S), "2",
                    *map(str, damaged)], check=True, timeout=600, cwd=ROOT)
    took = time.monotonic() - started
    results = json.loads(out.read_text())
    assert len(results) == len(damaged)
    bad = []
    for r in results:
        lines = r["stderr"].splitlines()
        ok = r["exit"] in (0, 2) and "Traceback" not in r["stderr"]
        if r["exit"] == 2:
            ok = ok and len(lines) == 1 and lines[0].startswith("error: ")
        elif r["exit"] == 0:
            ok = ok and all(line.startswith("warning: ") for line in lines)
            ok = ok and isinstance(json.loads(r["stdout"]), dict)
        if not ok:
            bad.append(r)
    assert not bad, json.dumps(bad[:3], indent=1)[:3000]
    outcomes = {r["exit"] for r in results}
    assert outcomes == {0, 2}, outcomes        # some still analysed, some refused
    slowest = max(results, key=lambda r: r["seconds"])
    print(f"fuzz: {len(results)} files in {took:.0f} s, slowest {slowest['seconds']} s")

"""The short tones the live page plays when a rep is counted and when a hold is long enough.

Made here as WAV bytes (no sound files to ship or download): a soft sine with faded ends,
so it is a cue and not an alarm.
"""

from __future__ import annotations

import io
import wave

import numpy as np

RATE_HZ = 22_050
#: a rep: a higher, brighter tone; a hold reached: a lower one.
REP_TONE_HZ = 880.0
HOLD_TONE_HZ = 587.0
TONE_S = 0.18
FADE_S = 0.03


def tone(freq_hz: float, seconds: float = TONE_S, volume: float = 0.35,
         tail_samples: int = 0) -> bytes:
    """A sine tone as 16-bit mono WAV. tail_samples of silence make each cue's bytes
    distinct, so the browser plays a new cue instead of treating it as the last one."""
    n = int(RATE_HZ * seconds)
    t = np.arange(n) / RATE_HZ
    wave_ = np.sin(2 * np.pi * freq_hz * t)
    fade = min(int(RATE_HZ * FADE_S), n // 2)
    ramp = np.linspace(0.0, 1.0, fade)
    wave_[:fade] *= ramp
    wave_[n - fade:] *= ramp[::-1]
    pcm = np.concatenate([wave_ * volume * 32767, np.zeros(tail_samples)]).astype("<i2")
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE_HZ)
        w.writeframes(pcm.tobytes())
    return out.getvalue()

"""Bridge to pydub: an `AudioSegment` of a (short) clip, for notebook playback and pydub-style editing.

pydub holds everything in memory; use it for clips, never for a whole call (stream those).
"""

from __future__ import annotations

import numpy as np


def to_audio_segment(data: np.ndarray, sample_rate: int):
    """16-bit pydub AudioSegment of a float array (frames[, channels])."""
    from pydub import AudioSegment

    data = np.asarray(data, dtype=np.float32)
    if data.ndim == 1:
        data = data[:, None]
    pcm = (np.clip(data, -1.0, 1.0) * 32767).round().astype("<i2")
    return AudioSegment(pcm.tobytes(), frame_rate=int(sample_rate), sample_width=2, channels=data.shape[1])


def from_audio_segment(segment) -> tuple[np.ndarray, int]:
    """(float32 array (frames, channels), sample rate) of a pydub AudioSegment."""
    samples = np.array(segment.get_array_of_samples(), dtype=np.float32).reshape(-1, segment.channels)
    return samples / float(1 << (8 * segment.sample_width - 1)), segment.frame_rate

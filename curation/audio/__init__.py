"""Audio I/O for the workbench: probe, read, write and stream WAV/MP3/OGG/Opus, loudness, resampling.

Everything works on float32 arrays shaped (frames, channels). Long recordings are
streamed in blocks (`stream`, `Writer`), never decoded whole.
"""

from curation.audio.io import AudioError, Writer, format_for, read, resample, stream, write
from curation.audio.loudness import LoudnessMeter, measure, normalisation_gain, normalise
from curation.audio.probe import probe
from curation.audio.segments import from_audio_segment, to_audio_segment

__all__ = ["AudioError", "LoudnessMeter", "Writer", "format_for", "measure", "normalisation_gain", "normalise",
           "probe", "read", "resample", "stream", "write", "to_audio_segment", "from_audio_segment"]

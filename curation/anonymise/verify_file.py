"""Re-verify an anonymised audio file against its report's redactions, without the original.

Used by pack verification and reviewers: every interval the report lists must hold
only the tone (or silence) in the file as written.
"""

from __future__ import annotations

from pathlib import Path

from curation.anonymise.bleep import tone_frequency
from curation.anonymise.verify import (DECODED_THRESHOLD_DBFS, PCM_THRESHOLD_DBFS, Verification,
                                       codec_guard_seconds, verify_interval)
from curation.audio import probe, read

LOSSLESS_CODECS = ("pcm_16", "pcm_24", "pcm_32", "float", "double", "pcm_s16le", "pcm_f32le")


def verify_audio_file(path, redactions, bleep_mode: str = "tone") -> list[Verification]:
    """One Verification per redaction (dicts or objects with start, end in seconds and channels)."""
    path = Path(path)
    info = probe(path)
    lossless = info.codec.lower() in LOSSLESS_CODECS
    threshold = PCM_THRESHOLD_DBFS if lossless else DECODED_THRESHOLD_DBFS
    # PCM_16 quantisation leaves about -100 dBFS of noise: fine under the PCM threshold.
    sr = info.sample_rate
    tone_hz = tone_frequency(sr) if bleep_mode == "tone" else None
    guard = 0.0 if lossless else codec_guard_seconds(info.codec, sr)
    results = []
    for r in redactions:
        get = r.get if isinstance(r, dict) else (lambda k, d=None, r=r: getattr(r, k, d))
        start, end = float(get("start")) + guard, float(get("end")) - guard
        if end - start < 0.01:  # too short to clear the codec's smearing: check its middle 10 ms (fail-safe)
            mid = (float(get("start")) + float(get("end"))) / 2
            start, end = mid - 0.005, mid + 0.005
        data, _ = read(path, start=start, end=end)
        channels = get("channels") or list(range(info.channels))
        worst = [verify_interval(data[:, c], sr, 0, tone_hz, threshold) for c in channels if c < data.shape[1]]
        if not worst:
            results.append(Verification(False, float("nan")))
            continue
        results.append(Verification(all(v.ok for v in worst), max(v.residual_dbfs for v in worst)))
    return results


def all_verified(results: list[Verification]) -> bool:
    return all(v.ok for v in results)

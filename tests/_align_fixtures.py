"""Speech whose word timing we know: espeak-ng speaks each word on its own (as a person would say
it), the words are joined with pauses of random length, and the truth is where each one lies.
Invented sentences only; numbers are made up."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path

import numpy as np
import soundfile as sf
from scipy.signal import resample_poly

from curation.clips.redaction import vtt_timestamp

# (as written in the transcript, as said)
CUSTOMER = [("Goedemiddag,", "Goedemiddag,"), ("u", "u"), ("spreekt", "spreekt"), ("met", "met"),
            ("Marloes", "Marloes"), ("de", "de"), ("Wit", "Wit"), ("van", "van"), ("de", "de"),
            ("klantenservice.", "klantenservice."), ("Mijn", "Mijn"), ("telefoonnummer", "telefoonnummer"),
            ("is", "is"), ("06-12345678", "nul zes een twee drie vier vijf zes zeven acht"), ("en", "en"),
            ("mijn", "mijn"), ("postcode", "postcode"), ("is", "is"), ("1234", "twaalf vierendertig"),
            ("AB", "aa bee"), ("in", "in"), ("Utrecht.", "Utrecht.")]
AGENT = [("Dank", "Dank"), ("u", "u"), ("wel.", "wel."), ("Ik", "Ik"), ("zoek", "zoek"), ("uw", "uw"),
         ("gegevens", "gegevens"), ("even", "even"), ("op,", "op,"), ("een", "een"), ("ogenblik", "ogenblik"),
         ("alstublieft.", "alstublieft.")]
OTHER = [("Het", "Het"), ("weer", "weer"), ("is", "is"), ("vandaag", "vandaag"), ("erg", "erg"), ("mooi", "mooi"),
         ("en", "en"), ("de", "de"), ("zon", "zon"), ("schijnt", "schijnt"), ("boven", "boven"), ("het", "het"),
         ("strand.", "strand.")]


def speak_words(items, voice: str, rate: int = 150, sr: int = 16000, seed: int = 0, lead: float = 0.3
                ) -> tuple[np.ndarray, list[tuple[float, float]]]:
    """Mono samples at `sr` and the (start, end) of each word; pauses of 30-250 ms between words."""
    rng = np.random.default_rng(seed)
    parts, truth, t = [np.zeros(int(lead * sr), np.float32)], [], lead
    for _, said in items:
        wav = subprocess.run(["espeak-ng", "-v", voice, "-s", str(rate), "--stdout", said],
                             capture_output=True, check=True).stdout
        x, rate_in = sf.read(io.BytesIO(wav), dtype="float32")
        x = resample_poly(x, sr, rate_in).astype(np.float32) if rate_in != sr else x
        loud = np.flatnonzero(np.abs(x) > 0.01 * np.abs(x).max())
        x = x[loud[0]:loud[-1] + 1]
        truth.append((t, t + len(x) / sr))
        gap = int(rng.uniform(0.03, 0.25) * sr)
        parts += [x, np.zeros(gap, np.float32)]
        t += (len(x) + gap) / sr
    return np.concatenate(parts), truth


def faster(samples: np.ndarray, sr: int, factor: float, out_rate: int, tmp: Path) -> np.ndarray:
    """sox `tempo`: the same speech `factor` times faster (pitch kept), at `out_rate`."""
    src, dst = tmp / "tempo-in.wav", tmp / "tempo-out.wav"
    sf.write(str(src), samples, sr, subtype="FLOAT")
    subprocess.run(["sox", str(src), "-r", str(out_rate), str(dst), "tempo", str(factor)], check=True)
    return sf.read(str(dst), dtype="float32")[0]


def with_noise(samples: np.ndarray, snr_db: float, seed: int = 0) -> np.ndarray:
    """White noise at `snr_db` below the speech (its loud half)."""
    rng = np.random.default_rng(seed)
    speech = samples[np.abs(samples) > 0.01 * np.abs(samples).max()]
    level = np.sqrt(np.mean(speech ** 2))
    return (samples + rng.normal(0, level * 10 ** (-snr_db / 20), len(samples))).astype(np.float32)


def within(aligned, truth, tolerance: float = 0.08, scale: float = 1.0) -> float:
    """Share of word boundaries (starts and ends) within `tolerance` seconds of the truth."""
    hits = [abs(a.start - t0 * scale) <= tolerance for a, (t0, _) in zip(aligned, truth)]
    hits += [abs(a.end - t1 * scale) <= tolerance for a, (_, t1) in zip(aligned, truth)]
    return sum(hits) / len(hits)


def write_vtt(path: Path, cues) -> Path:
    """cues: (start, end, speaker, words as written)."""
    lines = ["WEBVTT", ""]
    for start, end, speaker, items in cues:
        lines += [f"{vtt_timestamp(start)} --> {vtt_timestamp(end)}", f"<v {speaker}>" + " ".join(w for w, _ in items), ""]
    path.write_text("\n".join(lines), encoding="utf-8")
    return path

"""A pool of synthetic voices whose envelope changes stand in for the speaker's (the `pool` design).

espeak-ng speaks a fixed Dutch passage in several voice variants; every frame's LPC envelope is
normalised like the speaker's (mean and spread removed, formant scale taken to the reference) and
kept with a short cepstral description. The disguise then replaces each frame of the speaker by the
average of the nearest pool frames of a keyed choice of pool voices (matched on that description,
voiced with voiced, unvoiced with unvoiced), so the output's envelope is made of the pool's, not
the speaker's: only which frames were chosen (the content) comes from the speaker.
The pool is synthetic speech (no person's voice) and is built once per process.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from curation.errors import CurationError

POOL_VOICES = ("m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5")
POOL_TEXT = ("Goedemiddag, u spreekt met de klantenservice. Waarmee kan ik u vandaag helpen? "
             "Ik bel over de rekening van vorige maand, die klopt volgens mij niet helemaal. "
             "Zou u uw postcode en huisnummer willen noemen? Dan zoek ik het even voor u op. "
             "Het gaat om zesentachtig euro en vijftig cent, dat is veel te veel. "
             "Ik begrijp dat het vervelend is; we gaan kijken wat we kunnen doen. "
             "Kunt u morgenochtend terugbellen, of zal ik u een e-mail sturen met de bevestiging? "
             "Prima, dan wacht ik uw bericht af. Fijne dag nog en tot ziens.")
FEATURES = 12  # cepstral coefficients that describe a frame's envelope change for matching
NEIGHBOURS = 4  # pool frames averaged per frame (8 neighbours on 8 coefficients measured the same)


@dataclass(frozen=True)
class PoolVoice:
    """Frames of one pool voice: matching features (F, FEATURES), normalised envelope changes on the
    reference formant scale (F, bins), voiced flags (F,)."""

    features: np.ndarray
    changes: np.ndarray
    voiced: np.ndarray


def cepstral_features(changes: np.ndarray, n_fft: int) -> np.ndarray:
    return np.fft.irfft(changes, n_fft)[:, 1: FEATURES + 1]


def _speak(variant: str, sr: int) -> np.ndarray:
    import soundfile as sf

    from curation.audio import resample

    with tempfile.TemporaryDirectory(prefix="curation-pool-") as tmp:
        path = Path(tmp) / "pool.wav"
        try:
            subprocess.run(["espeak-ng", "-v", f"nl+{variant}", "-s", "150", "-w", str(path), POOL_TEXT], check=True,
                           capture_output=True, timeout=60)
            data, rate = sf.read(str(path), dtype="float32")
        except (OSError, subprocess.SubprocessError, RuntimeError) as exc:
            raise CurationError(f"voice disguise: the synthetic pool voice nl+{variant} cannot be made with "
                                f"espeak-ng ({exc}); install espeak-ng (make system-deps)") from None
    return resample(data, rate, sr) if rate != sr else data


@lru_cache(maxsize=64)
def pool_voice(variant: str, sr: int) -> PoolVoice:
    """The analysed frames of one espeak-ng voice variant at rate `sr` (built once per process)."""
    from curation.anonymise.resynth import normalised_changes

    x = _speak(variant, sr)
    changes, voiced, n_fft = normalised_changes(x, sr)
    return PoolVoice(cepstral_features(changes, n_fft), changes, voiced)


def substitute(features: np.ndarray, voiced: np.ndarray, variants: tuple, sr: int) -> np.ndarray:
    """For every frame (features, voiced flag), the mean normalised envelope change of its nearest
    frames among the pool voices `variants` (same voicing)."""
    voices = [pool_voice(v, sr) for v in variants]
    feats = np.concatenate([p.features for p in voices])
    changes = np.concatenate([p.changes for p in voices])
    pool_voiced = np.concatenate([p.voiced for p in voices])
    out = np.zeros((len(features), changes.shape[1]))
    for flag in (True, False):
        rows = np.flatnonzero(voiced == flag)
        cand = np.flatnonzero(pool_voiced == flag)
        if not len(rows):
            continue
        if len(cand) < NEIGHBOURS:
            cand = np.arange(len(feats))
        C = feats[cand]
        for start in range(0, len(rows), 2048):
            r = rows[start: start + 2048]
            d = (features[r] ** 2).sum(1)[:, None] - 2 * features[r] @ C.T + (C ** 2).sum(1)[None, :]
            nn = np.argpartition(d, NEIGHBOURS - 1, axis=1)[:, :NEIGHBOURS]
            out[r] = changes[cand][nn].mean(axis=1)
    return out


def substitution(variants: tuple, sr: int):
    """The `pool` design's step for `resynth.disguise_resynth`: normalised envelope changes on the
    reference scale -> those of the nearest frames of the keyed pool voices `variants`."""
    def replace_changes(changes: np.ndarray, voiced: np.ndarray, n_fft: int) -> np.ndarray:
        return substitute(cepstral_features(changes, n_fft), voiced, variants, sr)

    return replace_changes

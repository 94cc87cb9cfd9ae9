"""A second, telephone-band speaker set for the voice-privacy benchmark: real people in Debian packages.

    from telephone_speakers import load_utterances
    utts = load_utterances()   # [{speaker, kind: enrol|trial, audio (8 kHz float32), source}]

Not PyPI (the issue's own source of speakers, see real_speakers.py), so reported apart: these are
8 kHz recordings made for telephone systems, the band our calls are in, with many prompts per voice,
so every enrolment and trial holds other words. `apt-get download` (no install) fetches the packages
into ~/.cache/curation/benchmarks/debs (never into the repository) and `dpkg-deb -x` unpacks them:
  - Asterisk IVR voices, one professional speaker per package (named in the packages' copyright files):
    asterisk-core-sounds-en-wav 1.6.1 (Allison Smith, en_US), -fr-wav (June Wallack, fr_CA),
    -it-wav (Carlo Flora, it_IT), -ru-wav (the ivrvoice.ru speaker, ru_RU), asterisk-prompt-es-co
    (July E. Jimenez), asterisk-prompt-fr-armelle (Armelle Desjardins), asterisk-prompt-it-menardi-wav
    (the it_IT_f_Menardi voice). es-MX is Allison Smith again and is left out.
    Per voice: an enrolment of prompts joined to >= 6 s and 3 trials of other prompts joined to >= 3 s
    (prompts of 0.8-4 s, shuffled with the speaker's name as seed, 0.25 s of silence between them).
  - codec2-examples 1.0.5: the radio-amateur and test recordings vk5qi, cq_ref, g3plx, kristoff, mmt1
    and ve9qrp (first 30 s): first half enrolment, second half trial. david4 is left out (no voiced
    frames: not speech).
Utterances are peak-normalised to real_speakers.PEAK, like the PyPI set's.
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import numpy as np

from real_speakers import GAP, PEAK, SR  # same rate, gaps and peak as the PyPI set

DEBS = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks" / "debs"
ASTERISK = {  # package -> (sounds folder, speaker)
    "asterisk-core-sounds-en-wav": ("en_US_f_Allison", "asterisk-en-allison-smith"),
    "asterisk-core-sounds-fr-wav": ("fr_CA_f_June", "asterisk-fr-june-wallack"),
    "asterisk-core-sounds-it-wav": ("it_IT_m_Carlo", "asterisk-it-carlo-flora"),
    "asterisk-core-sounds-ru-wav": ("ru_RU_f_IvrvoiceRU", "asterisk-ru-ivrvoice"),
    "asterisk-prompt-es-co": ("es", "asterisk-es-co-july-jimenez"),
    "asterisk-prompt-fr-armelle": ("fr", "asterisk-fr-armelle-desjardins"),
    "asterisk-prompt-it-menardi-wav": ("it_IT_f_Menardi", "asterisk-it-menardi-f"),
}
CODEC2 = ["vk5qi", "cq_ref", "g3plx", "kristoff", "mmt1", "ve9qrp"]
TRIALS, ENROL_S, TRIAL_S = 3, 6.0, 3.0


def fetch() -> None:
    """apt-get download + dpkg-deb -x every package once (needs apt's package lists: apt-get update)."""
    DEBS.mkdir(parents=True, exist_ok=True)
    for pkg in [*ASTERISK, "codec2-examples"]:
        target = DEBS / pkg
        if target.is_dir():
            continue
        debs = list(DEBS.glob(f"{pkg}_*.deb"))
        if not debs:
            subprocess.run(["apt-get", "download", pkg], cwd=DEBS, check=True, capture_output=True)
            debs = list(DEBS.glob(f"{pkg}_*.deb"))
        subprocess.run(["dpkg-deb", "-x", str(debs[0]), str(target)], check=True)


def _read(path: Path) -> np.ndarray:
    """8 kHz float32 mono (sox decodes the GSM prompts; codec2's .raw are headerless s16le)."""
    if path.suffix == ".raw":
        return np.fromfile(path, dtype="<i2").astype(np.float32) / 32768
    out = subprocess.run(["sox", str(path), "-t", "raw", "-e", "float", "-b", "32", "-r", str(SR), "-c", "1", "-"],
                         capture_output=True, check=True).stdout
    return np.frombuffer(out, dtype=np.float32).copy()


def _norm(x: np.ndarray) -> np.ndarray:
    return (PEAK * x / max(1e-6, float(np.abs(x).max()))).astype(np.float32)


def load_utterances(verbose: bool = True) -> list[dict]:
    fetch()
    utts: list[dict] = []
    gap = np.zeros(int(GAP * SR), np.float32)
    for pkg, (folder, speaker) in ASTERISK.items():
        files = sorted(p for p in (DEBS / pkg).rglob("*") if p.parent.name == folder and p.suffix in (".wav", ".gsm"))
        random.Random(speaker).shuffle(files)
        prompts = iter(files)

        def take(seconds: float) -> tuple[np.ndarray, list[str]]:
            parts, names, total = [], [], 0.0
            for p in prompts:
                x = _read(p)
                if not 0.8 <= len(x) / SR <= 4.0:
                    continue
                parts += [x, gap]
                names.append(p.stem)
                total += len(x) / SR
                if total >= seconds:
                    break
            return _norm(np.concatenate(parts)), names

        for kind, seconds in [("enrol", ENROL_S)] + [("trial", TRIAL_S)] * TRIALS:
            audio, names = take(seconds)
            utts.append({"speaker": speaker, "kind": kind, "audio": audio, "source": f"{pkg} {folder}/{{{','.join(names)}}}"})
    for name in CODEC2:
        base = DEBS / "codec2-examples" / "usr" / "share" / "codec2"
        path = base / "wav" / f"{name}.wav"
        path = path if path.exists() else base / "raw" / f"{name}.raw"
        x = _read(path)[: 30 * SR]
        half = len(x) // 2
        for kind, part in (("enrol", x[:half]), ("trial", x[half:])):
            utts.append({"speaker": f"codec2-{name}", "kind": kind, "audio": _norm(part),
                         "source": f"codec2-examples {path.relative_to(DEBS / 'codec2-examples')} ({kind} half)"})
    if verbose:
        seconds = sum(len(u["audio"]) for u in utts) / SR
        print(f"telephone speakers (Debian): {len({u['speaker'] for u in utts})} speakers, {len(utts)} utterances, "
              f"{seconds:.0f} s")
    return utts

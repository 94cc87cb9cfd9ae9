"""Long synthetic calls for the anonymisation benchmarks (espeak-ng, Dutch, stereo 8 kHz).

Speed and memory only: espeak voices are not real speakers, so privacy is measured
elsewhere (benchmarks/anonymise_privacy.py) on recordings of real people.
Word times are spread over each sentence by length, marked as estimated.
"""

from __future__ import annotations

import random
import subprocess
import tempfile
from pathlib import Path

import numpy as np
import soundfile as sf

from curation.audio import Writer, resample
from curation.model import Speaker, Transcript, Word

SENTENCES = {
    "agent": [
        "Goedemiddag, u spreekt met {agent} van de klantenservice, waarmee kan ik u helpen?",
        "Mag ik uw postcode en huisnummer, dan zoek ik uw gegevens op.",
        "Ik zie hier een rekening van honderdtien euro, klopt dat?",
        "Kunt u uw klantnummer noemen? Dat staat bovenaan de brief.",
        "Ik begrijp dat dit vervelend is, ik ga kijken wat ik voor u kan doen.",
        "Ik stuur de bevestiging naar uw e-mailadres.",
    ],
    "customer": [
        "Ja, met {customer}, ik bel over mijn laatste rekening.",
        "Mijn postcode is {postcode} en het huisnummer is {number}.",
        "Mijn telefoonnummer is nul zes {digits}.",
        "Nee, het was honderd euro, dat hebben we zo afgesproken.",
        "Mijn klantnummer is {account}, en ik woon in {city}.",
        "Dit is al de derde keer dat ik bel, ik wil nu een oplossing.",
    ],
}
FIRST = ["Jan", "Petra", "Mohammed", "Sanne", "Willem", "Fatima", "Kees", "Annelies"]
LAST = ["de Vries", "Jansen", "van den Berg", "Bakker", "El Amrani", "Visser", "de Jong"]
CITIES = ["Utrecht", "Zwolle", "Amersfoort", "Groningen", "Tilburg", "Delft"]


def _say(text: str, voice: str, sr: int) -> np.ndarray:
    with tempfile.NamedTemporaryFile(suffix=".wav") as tmp:
        subprocess.run(["espeak-ng", "-v", voice, "-s", "165", "-w", tmp.name, text], check=True)
        data, rate = sf.read(tmp.name, dtype="float32")
    return resample(data, rate, sr)


def synthetic_call(out_dir: Path, minutes: float = 10.0, sr: int = 8000, seed: int = 1) -> tuple[Path, Transcript]:
    """A stereo call (agent ch0, customer ch1) of about `minutes` with its estimated-time transcript.

    Sentences are synthesised once each and reused, so a 10-minute call takes seconds."""
    rng = random.Random(seed)
    cache: dict[tuple[str, str], np.ndarray] = {}
    words: list[Word] = []
    path = Path(out_dir) / f"call_{int(minutes)}min_{sr}.wav"
    t = 0.5
    total = int(minutes * 60 * sr)
    with Writer(path, sr, 2, fmt="wav") as w:
        w.write(np.zeros((int(t * sr), 2), dtype=np.float32))
        written = int(t * sr)
        turn = 0
        while written < total - 10 * sr:
            role = ("agent", "customer")[turn % 2]
            fill = {"agent": rng.choice(FIRST), "customer": f"{rng.choice(FIRST)} {rng.choice(LAST)}",
                    "postcode": f"{rng.randint(10, 99)} {rng.randint(10, 99)} {rng.choice('ABKLMPRS')} "
                                f"{rng.choice('ABKLMPRS')}", "number": str(rng.randint(1, 200)),
                    "digits": " ".join(str(rng.randint(0, 9)) for _ in range(8)),
                    "account": " ".join(str(rng.randint(0, 9)) for _ in range(7)), "city": rng.choice(CITIES)}
            text = rng.choice(SENTENCES[role]).format(**fill)
            voice = "nl+m3" if role == "agent" else "nl+f3"
            key = (text, voice)
            if key not in cache:
                cache[key] = _say(text, voice, sr)
            audio = cache[key]
            block = np.zeros((len(audio), 2), dtype=np.float32)
            block[:, turn % 2] = audio
            w.write(block)
            dur = len(audio) / sr
            tokens = text.split()
            weights = np.array([len(x) + 1 for x in tokens], dtype=float)
            edges = t + 0.1 + (dur - 0.2) * np.concatenate([[0], np.cumsum(weights) / weights.sum()])
            for i, tok in enumerate(tokens):
                words.append(Word(tok, round(edges[i], 3), round(edges[i + 1] - 0.01, 3), role, 0.9, estimated=True))
            gap = rng.uniform(0.3, 1.2)
            w.write(np.zeros((int(gap * sr), 2), dtype=np.float32))
            t += dur + int(gap * sr) / sr
            written += len(audio) + int(gap * sr)
            turn += 1
        w.write(np.zeros((total - written, 2), dtype=np.float32)) if total > written else None
    speakers = [Speaker("agent", "agent", 0), Speaker("customer", "customer", 1)]
    return path, Transcript.build(words, speakers)


def repeat_to(path: Path, out: Path, minutes: float) -> Path:
    """A long recording made by repeating `path` (streamed, never held whole)."""
    info = sf.info(str(path))
    need = int(minutes * 60 * info.samplerate)
    with Writer(out, info.samplerate, info.channels, fmt="wav") as w:
        while need > 0:
            for block in sf.blocks(str(path), blocksize=info.samplerate * 30, dtype="float32", always_2d=True):
                block = block[:need]
                w.write(block)
                need -= len(block)
                if need <= 0:
                    break
    return out

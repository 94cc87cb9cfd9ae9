"""Forced alignment with an acoustic model: pocketsphinx's US-English model (shipped inside its
wheel, nothing downloaded) places each word of a segment by its phones.

Pronunciations: an English word from the CMU dictionary in the same wheel; any other word (every
Dutch word, English words the dictionary lacks) from espeak-ng's phonemes (IPA), mapped onto the
model's 39 phones (`ARPABET`). A Dutch "ui" or "g" has no English phone; the nearest one is close
enough for a word boundary, which is all that is asked of it.

Confidence: a transcript that does not belong to the audio mostly finds no path through its words
at all (the segment then is not aligned); where it does, the path's mean acoustic cost per frame is
far higher than for the words that were said (`GOOD_COST`, `BAD_COST`, calibrated on the real-speech
benchmark, `benchmarks/align_real_speech.py`). Inside a confident segment, a word whose own cost is
high (`WORD_BAD_COST`: the transcript has a wrong word there, as ASR output does) is not vouched for;
the pipeline keeps it estimated, so a bleep on it widens to its placed neighbours.

Used for English only (`LANGUAGES`): that is where its confidence was calibrated on real speech. Dutch
words are pronounced and placed too (on espeak-ng's Dutch speech 91 % of word edges land within 80 ms),
but the English model's cost on Dutch speech sits around 34 - above the gate - and no real Dutch
recording with word times exists here to calibrate a Dutch gate on; a Dutch segment would only be
aligned twice. Nor for telephone audio (`MIN_RATE`): at 8 kHz placement and gate both weaken. Where
pocketsphinx is not installed, for Dutch and for narrowband recordings the caller uses
`curation.audio.align` (espeak-ng speech and dynamic time warping).
"""

from __future__ import annotations

import logging
import re
import subprocess
import threading
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from curation.audio.io import resample
from curation.audio.speakable import spoken_form
from curation.language import base_language

log = logging.getLogger(__name__)
RATE = 16000
FRAME_SECONDS = 0.01
# espeak-ng IPA phoneme -> the US-English model's phones (CMU ARPAbet, stress dropped)
ARPABET = {
    "p": "P", "b": "B", "t": "T", "d": "D", "k": "K", "g": "G", "ɡ": "G", "c": "K", "f": "F", "v": "V",
    "s": "S", "z": "Z", "ʃ": "SH", "ʒ": "ZH", "x": "HH", "χ": "HH", "ɣ": "G", "h": "HH", "ɦ": "HH", "ç": "HH",
    "m": "M", "n": "N", "ŋ": "NG", "ɲ": "N", "l": "L", "ɫ": "L", "r": "R", "ɹ": "R", "ʁ": "R", "ʀ": "R", "ɾ": "R",
    "j": "Y", "w": "W", "ʋ": "W", "θ": "TH", "ð": "DH", "tʃ": "CH", "dʒ": "JH", "ts": "T S", "pf": "P F",
    "i": "IY", "iː": "IY", "ɪ": "IH", "e": "EY", "eː": "EY", "ɛ": "EH", "ɛː": "EH", "æ": "AE", "a": "AA",
    "aː": "AA", "ɑ": "AA", "ɑː": "AA", "ɒ": "AA", "ɔ": "AO", "ɔː": "AO", "o": "OW", "oː": "OW", "u": "UW",
    "uː": "UW", "ʊ": "UH", "ʌ": "AH", "ə": "AH", "ɐ": "AH", "ɜ": "ER", "ɜː": "ER", "ɚ": "ER", "ɝ": "ER",
    "y": "IY", "yː": "IY", "ʏ": "IH", "ɵ": "AH", "ø": "EH", "øː": "EH", "œ": "EH", "œː": "EH", "œy": "AW",
    "ɛɪ": "EY", "ɛi": "EY", "eɪ": "EY", "ʌu": "AW", "ɑu": "AW", "aʊ": "AW", "au": "AW", "aɪ": "AY", "ai": "AY",
    "ɑi": "AY", "əʊ": "OW", "oʊ": "OW", "ɔɪ": "OY", "ɔi": "OY", "ɪə": "IH AH", "eə": "EH AH", "ʊə": "UH AH",
    "iə": "IY AH", "ui": "UW IY", "oːi": "OW IY", "aːi": "AA IY", "eːu": "EY UW", "iu": "IY UW",
}
MARKS = re.compile(r"[ˈˌ'̃ʲʰ̩̯ˑ\u0361]")
ESPEAK_VOICES = {"nl": "nl", "en": "en-us"}
LANGUAGES = ("en",)  # languages whose segments the pipeline aligns with this model (see the module doc)
# recordings below this rate (telephone audio, 8 kHz) are not given to the model by the pipeline: on real
# speech cut to 8 kHz it placed 85 % of words within 100 ms (16 kHz: 94 %) and took 9 of 100 wrong
# transcripts as confident (16 kHz: 3 of 27), too weak a gate to trade whole-cue bleeps for
MIN_RATE = 16000
# mean cost per frame of the path through the words: at or below GOOD the words were said, at or above
# BAD they were not (calibrated on the real-speech benchmark: see the module doc)
GOOD_COST, BAD_COST = 20.0, 40.0
# one word's own mean cost per frame above which it is not taken as placed: on real English speech with a
# fifth of the words swapped for others (ASR-like errors) this flags 85 % of the swapped words and 22 % of
# the right ones (benchmarks/README: "Words an ASR got wrong")
WORD_BAD_COST = 40.0
# the search's pruning beams (relative to the best hypothesis; smaller keeps more). Placing a segment alone
# (English, wideband) keeps the beams it was calibrated with (BEAM; also a gate: a transcript far from the
# audio often finds no path at all). As a second opinion beside espeak-ng + DTW (`curation.ingest.alignment`)
# those pruned the only path away in 14 of 120 segments of real Dutch speech cut to 8 kHz (tune half of
# benchmarks/pii_audio_dutch.py), so those cues were bleeped whole; at WIDE_BEAM all 14 have a path. Wrong
# transcripts then find paths too: the second opinion is only used when the whole call vouches for it.
BEAM, WORD_BEAM = 1e-100, 1e-80
WIDE_BEAM = 1e-200
CONFIDENT = 0.5


class PhoneAlignmentUnavailable(RuntimeError):
    """pocketsphinx (or espeak-ng for the pronunciations) is not installed."""


@dataclass(frozen=True, slots=True)
class PhoneWord:
    start: float  # seconds from the first sample given
    end: float
    cost: float | None = None  # the word's own mean cost per frame on the path (None: not known)

    @property
    def placed(self) -> bool:
        """Said, and its own stretch of audio matches its phones: a word the transcript got wrong (an ASR
        error) costs far more than its neighbours and is not taken as placed."""
        return self.end > self.start and (self.cost is None or self.cost <= WORD_BAD_COST)


@dataclass(frozen=True)
class PhoneAlignment:
    words: tuple[PhoneWord, ...]
    cost: float | None  # mean acoustic cost per frame of the path through the words (lower is better;
    #                     None: no state-level path could be built, which is no confidence at all)

    @property
    def confidence(self) -> float:
        if self.cost is None:
            return 0.0
        return float(np.clip((BAD_COST - self.cost) / (BAD_COST - GOOD_COST), 0.0, 1.0))


def phones_of_ipa(ipa: str) -> list[str]:
    """espeak-ng IPA of one word, phonemes separated by "_" (`--sep=_`), as model phones."""
    out: list[str] = []
    for raw in re.split(r"[_\s]+", ipa):
        ph = MARKS.sub("", raw)
        if not ph:
            continue
        mapped = ARPABET.get(ph) or ARPABET.get(ph.replace("ː", ""))
        if mapped is None:  # an unlisted cluster: map it letter by letter, skip what has no phone
            parts = [ARPABET.get(c) for c in ph if c != "ː"]
            mapped = " ".join(p for p in parts if p)
        if mapped:
            out.extend(mapped.split())
    return out


@lru_cache(maxsize=20_000)
def _espeak_phones(text: str, language: str) -> tuple[str, ...]:
    return tuple(espeak_phones([text], language)[0])


def espeak_phones(texts: list[str], language: str) -> list[list[str]]:
    """Model phones of each text (one word or a few, as said), from one espeak-ng run: each text on
    its own line ended by a full stop comes back on its own line."""
    if not texts:
        return []
    voice = ESPEAK_VOICES.get(language, language)
    lines = "".join(re.sub(r"[.\n]+", " ", t).strip() + ".\n" for t in texts)
    try:
        done = subprocess.run(["espeak-ng", "-v", voice, "-q", "--ipa", "--sep=_"], input=lines, capture_output=True,
                              text=True, timeout=60, check=True)
    except (OSError, subprocess.SubprocessError) as exc:
        raise PhoneAlignmentUnavailable(f"espeak-ng could not give phonemes: {exc}") from None
    got = [line for line in done.stdout.splitlines() if line.strip()]
    if len(got) != len(texts):  # espeak-ng split or joined a line: ask word by word (cached)
        if len(texts) == 1:
            return [phones_of_ipa(" ".join(got))]
        return [list(_espeak_phones(t, language)) for t in texts]
    return [phones_of_ipa(line) for line in got]


class PhoneAligner:
    """One pocketsphinx decoder; threads share it one alignment at a time."""

    def __init__(self, beam: float = BEAM, word_beam: float = WORD_BEAM):
        try:
            from pocketsphinx import Decoder
        except ImportError:
            raise PhoneAlignmentUnavailable("pocketsphinx is not installed") from None
        # no dither of its own: pocketsphinx's draws from one random stream per decoder, so a segment's
        # placement would depend on what the process aligned before; `_pcm16` dithers reproducibly
        self._decoder = Decoder(samprate=RATE, bestpath=False, dither=False, beam=beam, wbeam=word_beam, pbeam=beam,
                                loglevel="FATAL")
        self._lock = threading.Lock()  # the decoder holds one search at a time; its dictionary grows
        self._added: dict[tuple[str, ...], str] = {}

    def pronunciations(self, words: list[str], language: str) -> list[list[str]]:
        """Model phones per transcript word ([] where nothing is said, e.g. a lone dash)."""
        said = [spoken_form(w, language).strip() for w in words]
        out: list[list[str] | None] = [None] * len(words)
        ask = []
        for i, text in enumerate(said):
            if not text:
                out[i] = []
            elif language == "en" and " " not in text:
                with self._lock:
                    found = self._decoder.lookup_word(re.sub(r"[^a-z']", "", text.lower()) or "-")
                if found:
                    out[i] = found.split()
            if out[i] is None:
                ask.append(i)
        for i, phones in zip(ask, espeak_phones([said[i] for i in ask], language)):
            out[i] = phones or ["AH"]
        return out  # type: ignore[return-value]

    def _word_id(self, phones: list[str]) -> str:
        key = tuple(phones)
        name = self._added.get(key)
        if name is None:
            name = f"w{len(self._added)}x"
            self._decoder.add_word(name, " ".join(phones), False)  # the alignment search is built afterwards
            self._added[key] = name
        return name

    def _utterance(self, pcm: bytes) -> None:
        d = self._decoder
        d.reinit_feat()  # a fresh front end: nothing of the utterance before carries over
        d.start_utt()
        d.process_raw(pcm, full_utt=True)
        d.end_utt()

    def _path_cost(self, pcm: bytes) -> tuple[float | None, list[float] | None]:
        """Mean acoustic cost per 10 ms frame of the state-level path through the words just searched
        (the decoder's log-likelihood units, negated: lower is better) and each word's own mean cost in
        order; (None, None) when the decoder cannot build that path."""
        d = self._decoder
        try:
            d.set_alignment()
            self._utterance(pcm)
            entries = [(w.name, w.duration, w.score) for w in d.get_alignment()]
        except RuntimeError:
            return None, None
        frames = max(1, len(pcm) // 2 // int(RATE * FRAME_SECONDS))
        per_word = [float(-score / max(duration, 1)) for name, duration, score in entries if _is_word(name)]
        return float(-sum(score for _, _, score in entries) / frames), per_word

    def align(self, samples: np.ndarray, sr: int, words, language: str = "nl") -> PhoneAlignment:
        """Place `words` in `samples` (mono floats at `sr`). Raises ValueError when the decoder finds no
        path through the words (far too little audio for them, or none at all)."""
        words = list(words)
        language = base_language(language)
        pcm = _pcm16(samples, sr)
        phones = self.pronunciations(words, language)
        spoken = [i for i, p in enumerate(phones) if p]
        if not spoken:
            return PhoneAlignment(tuple(PhoneWord(0.0, 0.0) for _ in words), 0.0)
        with self._lock:
            ids = [self._word_id(phones[i]) for i in spoken]
            d = self._decoder
            try:
                d.set_align_text(" ".join(ids))
                self._utterance(pcm)
                if d.hyp() is None:
                    raise ValueError("no alignment path through the words")
                placed = [(w.word, w.start_frame, w.end_frame - w.start_frame + 1) for w in d.seg()]
            except RuntimeError as exc:
                raise ValueError(f"no alignment path ({exc})") from None
            cost, word_costs = self._path_cost(pcm)
        mine = [(start, dur) for name, start, dur in placed if _is_word(name)]
        if len(mine) != len(spoken):
            raise ValueError(f"the decoder placed {len(mine)} of {len(spoken)} words")
        if word_costs is not None and len(word_costs) != len(spoken):
            word_costs = None  # cannot tell which cost is whose: no word is vouched for on its own
        timed: list[PhoneWord] = []
        k = 0
        last_end = 0.0
        for i in range(len(words)):
            if phones[i]:
                start, dur = mine[k]
                own = None if word_costs is None else round(word_costs[k], 2)
                k += 1
                t0, t1 = start * FRAME_SECONDS, (start + dur) * FRAME_SECONDS
                timed.append(PhoneWord(round(t0, 3), round(t1, 3), own))
                last_end = t1
            else:  # nothing said: a point at the end of the word before
                timed.append(PhoneWord(round(last_end, 3), round(last_end, 3)))
        return PhoneAlignment(tuple(timed), None if cost is None else round(cost, 2))


def _is_word(name: str) -> bool:
    """A word of the transcript in the decoder's output, not an utterance edge, silence or filler."""
    return name not in ("<s>", "</s>", "<sil>") and not name.startswith(("[", "+"))


def _pcm16(samples: np.ndarray, sr: int) -> bytes:
    """16-bit PCM at `RATE`, dithered by one least significant bit: digital silence (exact zeros, as in
    synthetic or gated audio) has no log energy. The noise is seeded by the length, so the same audio
    always gives the same samples."""
    x = np.asarray(samples, dtype=np.float64)
    if x.ndim > 1:
        x = x.mean(axis=1)
    x = resample(x, sr, RATE)
    pcm = np.round(np.clip(x, -1.0, 1.0) * 32766).astype(np.int32)
    pcm += np.random.default_rng(len(pcm)).integers(-1, 2, size=len(pcm))
    return pcm.astype("<i2").tobytes()

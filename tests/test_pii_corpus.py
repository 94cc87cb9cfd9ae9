"""Detection against the synthetic corpus' ground truth: scores, timings and redaction end to end."""

from __future__ import annotations

import json

import pytest

import callcorpus  # noqa: E402  (the corpus generator ships with the repository)

from curation.pii import detect, redact_transcript, redaction_intervals  # noqa: E402
from curation.pii.evaluation import evaluate_corpus, read_corpus_transcript  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The default corpus: Faker names (not the recognizers' lists), Flemish and foreign-origin
    callers, about half the transcripts ASR-style with recognition errors."""
    out = tmp_path_factory.mktemp("corpus")
    callcorpus.generate(out, calls=12, seed=7, audio=False)
    return out


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """Names and places from the recognizers' own deduce lists, careful human transcripts: what
    the corpus used to be. It checks that the pipeline works end to end, not how well it detects."""
    out = tmp_path_factory.mktemp("mirror")
    callcorpus.generate(out, calls=4, seed=7, names="deduce", style="human")
    return out


def _calls(corpus):
    for truth_path in sorted(corpus.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        yield read_corpus_transcript(truth_path.with_name(truth_path.name[:-len(".truth.json")] + ".json")), truth


def test_scores_meet_the_targets_on_the_word_list_mirror(mirror):
    metrics = evaluate_corpus(mirror).metrics()
    assert metrics["calls"] == 4
    assert metrics["overall"]["recall"] >= 0.95
    assert metrics["overall"]["precision"] >= 0.90


def test_scores_on_the_realistic_corpus_do_not_fall(corpus):
    """Measured when the corpus stopped mirroring the recognizers: 12 calls of seed 7, precision
    0.992 and recall 0.806 with the recognizers of commit 71e390e, precision 0.990 and recall
    0.702 with those of 8b81495 (long spoken numbers no longer read as ACCOUNT_ID: in ASR-style
    calls the phone numbers and IBANs they used to cover are now missed altogether). On the
    mirror above recall is 0.97+. Thresholds sit just below the lower figure: raise them as the
    recognizers improve; `curation pii evaluate` gives the full per-entity figures."""
    metrics = evaluate_corpus(corpus).metrics()
    assert metrics["calls"] == 12
    assert metrics["overall"]["recall"] >= 0.68
    assert metrics["overall"]["precision"] >= 0.97


def test_every_detected_span_is_placed_on_the_timeline(corpus):
    for transcript, truth in _calls(corpus):
        intervals = redaction_intervals(transcript, padding=0.0)
        assert intervals, truth["call_id"]
        for r in intervals:
            words = [transcript.words[i] for i in r.word_indices]
            assert r.start == min(w.start for w in words) and r.end == max(w.end for w in words)
            assert {w.speaker for w in words} == {r.speaker}


def test_redacted_transcripts_keep_no_word_that_was_detected(corpus):
    from curation.pii.timing import words_of_span

    for transcript, truth in _calls(corpus):
        redacted = redact_transcript(transcript)
        kept = {(w.speaker, w.start, w.text) for w in redacted.words}
        offsets = transcript.word_offsets()
        starts = [a for a, _ in offsets]
        detected = [i for s in detect(transcript.text) for i in words_of_span(offsets, starts, s.start, s.end)]
        assert detected, truth["call_id"]
        for i in detected:
            w = transcript.words[i]
            assert (w.speaker, w.start, w.text) not in kept, (truth["call_id"], i)


def test_redacted_transcripts_keep_little_ground_truth_pii(mirror):
    """End to end on the word-list mirror. Measured: 2 of 33 mentions left, both a third party's
    first name without a cue word ("Tonnie, mijn moeder, zegt ..."), wording the corpus gained
    with the phrasing split (it was 0 before). On the realistic corpus (12 calls of seed 7) 21 of
    92 are left: the recognizers' misses, listed by `curation pii evaluate`."""
    left, total = [], 0
    for transcript, truth in _calls(mirror):
        redacted = redact_transcript(transcript)
        assert "[NAAM]" in redacted.text
        words = [w.text for w in transcript.words]
        for mention in truth["pii"]:
            a, b = mention["words"]
            said = " ".join(words[a:b])
            if len(said) >= 6:  # a short piece ("a", "12") can occur elsewhere in the call
                total += 1
                if said in redacted.text:
                    left.append((truth["call_id"], mention["entity_type"]))
    assert total >= 30 and len(left) <= 2, left


def test_detect_on_the_whole_call_text_is_stable(corpus):
    """The same spans from the shared engine twice and from a freshly built one: detection does not
    depend on what the engine saw before. The call has personal data, so an empty result fails."""
    from curation.pii import build_analyzer

    transcript, truth = next(_calls(corpus))
    spans = detect(transcript.text)
    assert spans and {s.entity_type for s in spans} & {p["entity_type"] for p in truth["pii"]}
    assert detect(transcript.text) == spans
    assert detect(transcript.text, analyzer=build_analyzer()) == spans

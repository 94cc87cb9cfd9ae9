"""Detection against the synthetic corpus' ground truth: scores, timings and redaction end to end."""

from __future__ import annotations

import json

import pytest

import callcorpus  # noqa: E402  (the corpus generator ships with the repository)

from curation.pii import detect, redact_transcript, redaction_intervals  # noqa: E402
from curation.pii.evaluation import evaluate_corpus, read_corpus_transcript  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("corpus")
    callcorpus.generate(out, calls=4, seed=7)
    return out


def _calls(corpus):
    for truth_path in sorted(corpus.glob("*.truth.json")):
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        yield read_corpus_transcript(truth_path.with_name(truth_path.name[:-len(".truth.json")] + ".json")), truth


def test_scores_meet_the_targets_on_generated_calls(corpus):
    metrics = evaluate_corpus(corpus).metrics()
    assert metrics["calls"] == 4
    assert metrics["overall"]["recall"] >= 0.95
    assert metrics["overall"]["precision"] >= 0.90


def test_every_detected_span_is_placed_on_the_timeline(corpus):
    for transcript, truth in _calls(corpus):
        intervals = redaction_intervals(transcript, padding=0.0)
        assert intervals, truth["call_id"]
        for r in intervals:
            words = [transcript.words[i] for i in r.word_indices]
            assert r.start == min(w.start for w in words) and r.end == max(w.end for w in words)
            assert {w.speaker for w in words} == {r.speaker}


def test_redacted_transcripts_keep_no_ground_truth_pii(corpus):
    for transcript, truth in _calls(corpus):
        redacted = redact_transcript(transcript)
        assert "[NAAM]" in redacted.text
        words = [w.text for w in transcript.words]
        for mention in truth["pii"]:
            a, b = mention["words"]
            said = " ".join(words[a:b])
            if len(said) >= 6:  # a short piece ("a", "12") can occur elsewhere in the call
                assert said not in redacted.text, (truth["call_id"], mention["entity_type"])


def test_detect_on_the_whole_call_text_is_stable(corpus):
    transcript, _ = next(_calls(corpus))
    assert detect(transcript.text) == detect(transcript.text)

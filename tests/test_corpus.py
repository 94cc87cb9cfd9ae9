"""The synthetic call corpus: determinism, ground truth lining up with transcript and audio.
Names, Flemish callers, the phrasing split, ASR-style transcripts and negatives: test_corpus_realism.py."""

from __future__ import annotations

import csv
import hashlib
import json
import wave
from pathlib import Path

import numpy as np
import pytest

import callcorpus
from callcorpus.scenarios import SCENARIOS

SCHEMA = Path(callcorpus.__file__).parent / "schemas" / "truth.schema.json"
TRANSCRIPT_SCHEMA = Path(__file__).parents[1] / "curation" / "ingest" / "schemas" / "transcript.schema.json"
N_CALLS = 12  # every scenario appears within 12 calls
TEXT_CALLS = 36  # text only: enough human-style calls for every entity type in written form


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus")
    callcorpus.generate(out, calls=N_CALLS, seed=1)
    return out


@pytest.fixture(scope="module")
def text_corpus(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("text")
    callcorpus.generate(out, calls=TEXT_CALLS, seed=1, audio=False)
    return out


def calls_in(folder: Path) -> list[str]:
    return sorted(p.name[: -len(".truth.json")] for p in folder.glob("*.truth.json"))


def read_audio(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        data = np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768
        return data.reshape(-1, w.getnchannels()).T, w.getframerate()


def load(folder: Path, call_id: str) -> tuple[dict, dict]:
    transcript = json.loads((folder / f"{call_id}.json").read_text(encoding="utf-8"))
    return transcript, callcorpus.load_truth(folder / f"{call_id}.truth.json")


def digest(folder: Path, call_id: str) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.glob(f"{call_id}.*"))}


def test_call_ids_carry_the_seed(corpus):
    assert calls_in(corpus) == [f"c{i:04d}-s1" for i in range(1, N_CALLS + 1)]


def test_same_seed_gives_identical_bytes(corpus, tmp_path):
    callcorpus.generate(tmp_path, calls=3, seed=1)
    for call_id in calls_in(tmp_path):
        assert digest(tmp_path, call_id) == digest(corpus, call_id)


def test_different_seed_gives_different_calls(corpus, tmp_path):
    callcorpus.generate(tmp_path, calls=2, seed=2)
    assert calls_in(tmp_path) == ["c0001-s2", "c0002-s2"]
    other = json.loads((tmp_path / "c0001-s2.json").read_text(encoding="utf-8"))
    mine = json.loads((corpus / "c0001-s1.json").read_text(encoding="utf-8"))
    assert [w["text"] for w in other["words"]] != [w["text"] for w in mine["words"]]


def test_pii_span_text_is_the_joined_words(corpus):
    for call_id in calls_in(corpus):
        transcript, truth = load(corpus, call_id)
        words = transcript["words"]
        assert truth["pii"], call_id
        for span in truth["pii"]:
            a, b = span["words"]
            assert 0 <= a < b <= len(words)
            assert span["text"] == " ".join(w["text"] for w in words[a:b])
            assert {w["speaker"] for w in words[a:b]} == {span["speaker"]}


def test_consent_and_evidence_ranges_point_at_words(corpus):
    for call_id in calls_in(corpus):
        transcript, truth = load(corpus, call_id)
        n = len(transcript["words"])
        consent = truth["consent"]
        assert (consent["notice_words"] is not None) == consent["notice_played"]
        assert (consent["objection_words"] is not None) == consent["customer_objects"]
        ranges = [consent["notice_words"], consent["objection_words"], *consent["lookalike_words"]]
        ranges += [e["words"] for e in truth["difficulty"]["evidence"]]
        for r in filter(None, ranges):
            assert 0 <= r[0] < r[1] <= n


def test_word_times_lie_inside_the_audio_and_are_ordered(corpus):
    for call_id in calls_in(corpus):
        transcript, truth = load(corpus, call_id)
        audio, rate = read_audio(corpus / f"{call_id}.wav")
        duration = audio.shape[1] / rate
        assert rate == 8000 and abs(duration - truth["audio"]["duration"]) < 1e-3
        assert audio.shape[0] == truth["audio"]["channels"]
        starts = [w["start"] for w in transcript["words"]]
        assert starts == sorted(starts)
        for w in transcript["words"]:
            assert 0 <= w["start"] < w["end"] <= duration
            assert 0 <= w["confidence"] <= 1


def _frame_rms(x: np.ndarray, rate: int, a: float, b: float, frame: float = 0.01) -> np.ndarray:
    seg = x[int(a * rate): int(b * rate)]
    n = int(frame * rate)
    k = len(seg) // n
    return np.sqrt((seg[: k * n].reshape(k, n) ** 2).mean(axis=1)) if k else np.sqrt((seg ** 2).mean(keepdims=True))


def test_speech_inside_words_and_silence_in_long_gaps(corpus):
    """Every transcript word lies on speech. Between words the channel is silent, except in ASR-style
    transcripts, where a word the recogniser dropped leaves a gap with speech in it (as real ones do)."""
    checked_stereo = checked_asr = 0
    for call_id in calls_in(corpus):
        transcript, truth = load(corpus, call_id)
        audio, rate = read_audio(corpus / f"{call_id}.wav")
        stereo = audio.shape[0] == 2
        checked_stereo += stereo
        asr = truth["transcript_style"] == "asr"
        checked_asr += asr
        for speaker, ch in (("agent", 0), ("customer", 1)):
            x = audio[ch if stereo else 0]
            words = [w for w in transcript["words"] if w["speaker"] == speaker]
            peak = max(_frame_rms(x, rate, w["start"], w["end"]).max() for w in words)
            for w in words:  # every word interval carries speech on its speaker's channel
                assert _frame_rms(x, rate, w["start"], w["end"]).max() > 0.05 * peak, (call_id, w)
            if not stereo or asr:
                continue
            for prev, nxt in zip(words, words[1:]):  # and that channel is near-silent between its words
                if nxt["start"] - prev["end"] > 0.4:
                    gap = _frame_rms(x, rate, prev["end"] + 0.05, nxt["start"] - 0.05)
                    assert gap.max() < 0.06 * peak, (call_id, speaker, prev["end"], nxt["start"])
        if not stereo and not asr:  # mono: silence where nobody speaks
            spans = sorted((w["start"], w["end"]) for w in transcript["words"])
            for (_, e), (s, _) in zip(spans, spans[1:]):
                if s - e > 0.4:
                    assert _frame_rms(audio[0], rate, e + 0.05, s - 0.05).max() < 0.06 * peak
    assert checked_stereo and checked_asr and checked_asr < N_CALLS


def test_every_entity_type_form_and_scenario_appears(text_corpus):
    truths = [load(text_corpus, c)[1] for c in calls_in(text_corpus)]
    seen = {(p["entity_type"], p["form"] if p["form"] != "spelled" else "spoken") for t in truths for p in t["pii"]}
    for etype in callcorpus.ENTITY_TYPES:
        assert (etype, "written") in seen and (etype, "spoken") in seen, etype
    assert any(p["form"] == "spelled" for t in truths for p in t["pii"])
    assert {t["scenario"] for t in truths} == set(SCENARIOS)
    for t in truths:
        assert t["difficulty"]["difficult"] == (t["scenario"] != "routine")
        assert bool(t["difficulty"]["categories"]) == t["difficulty"]["difficult"]


def test_truth_files_match_the_schema(corpus):
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    transcript_schema = json.loads(TRANSCRIPT_SCHEMA.read_text(encoding="utf-8"))
    for call_id in calls_in(corpus):
        transcript, truth = load(corpus, call_id)
        jsonschema.validate(truth, schema)
        jsonschema.validate(transcript, transcript_schema)


def test_manifest_lists_every_call_with_its_consent(corpus):
    with open(corpus / "manifest.csv", newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        assert reader.fieldnames == callcorpus.MANIFEST_COLUMNS
        rows = list(reader)
    assert [r["call_id"] for r in rows] == calls_in(corpus)
    for row in rows:
        assert (corpus / row["audio"]).is_file() and (corpus / row["transcript"]).is_file()
        consent = load(corpus, row["call_id"])[1]["consent"]
        assert row["notice_played"] == str(consent["notice_played"]).lower()
        assert row["customer_objected"] == str(consent["customer_objects"]).lower()
        assert row["notice_purposes"] == ";".join(consent["notice_purposes"])
        assert row["retention_until"] > row["recorded_at"][:10]


def test_mixed_format_writes_some_mp3(tmp_path):
    paths = callcorpus.generate(tmp_path, calls=2, seed=3, audio_format="mixed")
    assert [p.suffix for p in paths] == [".wav", ".mp3"]
    assert paths[1].read_bytes()[:3] in (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2") or paths[1].stat().st_size > 1000


def test_load_truth_rejects_other_files(tmp_path):
    bad = tmp_path / "x.truth.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(callcorpus.CorpusError, match="x.truth.json"):
        callcorpus.load_truth(bad)
    with pytest.raises(callcorpus.CorpusError, match="missing.truth.json"):
        callcorpus.load_truth(tmp_path / "missing.truth.json")


def test_cli_generates_a_corpus(tmp_path):
    from click.testing import CliRunner

    from curation.cli.main import cli

    result = CliRunner().invoke(cli, ["corpus", "generate", "--out", str(tmp_path / "c"), "--calls", "2", "--seed", "4"])
    assert result.exit_code == 0, result.output
    assert "wrote 2 calls" in result.output
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [
        "c0001-s4.json", "c0001-s4.truth.json", "c0001-s4.wav",
        "c0002-s4.json", "c0002-s4.truth.json", "c0002-s4.wav", "manifest.csv"]


def test_text_only_corpus_has_the_same_words_and_truth(corpus, tmp_path):
    paths = callcorpus.generate(tmp_path, calls=2, seed=1, audio=False)
    assert [p.name for p in paths] == ["c0001-s1.json", "c0002-s1.json"]
    assert not list(tmp_path.glob("*.wav"))
    for call_id in calls_in(tmp_path):
        text_only, truth = load(tmp_path, call_id)
        full, full_truth = load(corpus, call_id)
        # the same words (interruptions may interleave a few of them differently in time)
        assert sorted(w["text"] for w in text_only["words"]) == sorted(w["text"] for w in full["words"])
        assert truth["pii"] == full_truth["pii"] and truth["consent"] == full_truth["consent"]


def test_written_numbers_are_valid_dutch_identifiers(text_corpus):
    import re

    from stdnum import iban
    from stdnum.nl import bsn

    sidecodes = ["XX-99-99", "99-99-XX", "99-XX-99", "XX-99-XX", "XX-XX-99", "99-XX-XX", "99-XXX-9",
                 "9-XXX-99", "XX-999-X", "X-999-XX", "XXX-99-X", "X-99-XXX", "9-XX-999", "999-XX-9"]
    plate = re.compile("|".join("^" + s.replace("X", "[BDFGHJKLMNPRSTVXZ]").replace("9", "[0-9]") + "$" for s in sidecodes))
    checked = set()
    for call_id in calls_in(text_corpus):
        for span in load(text_corpus, call_id)[1]["pii"]:
            if span["form"] != "written":
                continue
            text = span["text"].upper()
            if span["entity_type"] == "IBAN_CODE":  # Dutch, or Belgian for a Flemish caller
                assert iban.is_valid(text.replace(" ", "")) and text[:2] in ("NL", "BE"), text
            elif span["entity_type"] == "NL_BSN":
                assert bsn.is_valid(text.replace(" ", "")), text
            elif span["entity_type"] == "NL_LICENSE_PLATE":
                assert plate.match(text), text
            elif span["entity_type"] == "NL_POSTCODE":
                assert re.fullmatch(r"[1-9][0-9]{3} ?[A-Z]{2}", text), text
            else:
                continue
            checked.add(span["entity_type"])
    assert checked == {"IBAN_CODE", "NL_BSN", "NL_LICENSE_PLATE", "NL_POSTCODE"}


def test_negatives_are_exact_and_never_pii(corpus):
    kinds = set()
    for call_id in calls_in(corpus):
        transcript, truth = load(corpus, call_id)
        pii_words = {i for p in truth["pii"] for i in range(*p["words"])}
        for item in truth["negatives"]:
            a, b = item["words"]
            assert item["text"] == " ".join(w["text"] for w in transcript["words"][a:b])
            assert {w["speaker"] for w in transcript["words"][a:b]} == {item["speaker"]}
            assert not pii_words & set(range(a, b)), item
            kinds.add(item["type"])
    assert {"amount", "date", "time", "company", "product"} <= kinds


def test_scenario_traits_show_in_the_timing_and_confidence(corpus):
    seen = set()
    for call_id in calls_in(corpus):
        transcript, truth = load(corpus, call_id)
        words, traits = transcript["words"], truth["difficulty"]["traits"]
        talk = {s: sum(w["end"] - w["start"] for w in words if w["speaker"] == s) for s in ("agent", "customer")}
        longest_pause = max(b["start"] - max(w["end"] for w in words[: i + 1]) for i, b in enumerate(words[1:]))
        customer_conf = np.mean([w["confidence"] for w in words if w["speaker"] == "customer"])
        if "hold" in traits:
            assert longest_pause >= 5.0, call_id
        else:
            assert longest_pause < 3.0, call_id
        if truth["scenario"] == "unbalanced_conversation":
            assert talk["agent"] / (talk["agent"] + talk["customer"]) >= 0.7, call_id
        if truth["scenario"] == "hard_to_understand":
            assert customer_conf < 0.8, call_id
        else:
            assert customer_conf > 0.8, call_id
        if "transfer" in traits:
            assert any("verbind" in w["text"].lower() for w in words[-30:]), call_id
        seen.update(traits)
    assert {"hold", "amount_contradiction", "profanity_mild"} <= seen or {"hold", "date_contradiction", "profanity_mild"} <= seen


def test_bad_arguments_give_one_line_errors(tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(callcorpus.CorpusError, match="file.txt: exists and is not a folder"):
        callcorpus.generate(target, calls=1, seed=1)
    with pytest.raises(callcorpus.CorpusError, match="audio_format"):
        callcorpus.generate(tmp_path / "x", calls=1, seed=1, audio_format="flac")
    with pytest.raises(callcorpus.CorpusError, match="style must be one of mixed, human, asr"):
        callcorpus.generate(tmp_path / "x", calls=1, seed=1, style="verbatim")
    with pytest.raises(callcorpus.CorpusError, match="names must be one of faker, deduce"):
        callcorpus.generate(tmp_path / "x", calls=1, seed=1, names="cbs")

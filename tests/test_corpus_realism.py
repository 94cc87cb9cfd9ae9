"""The corpus measures detectors instead of mirroring them: names and places from lists the PII
recognizers do not use (with Flemish and foreign-origin callers), wording held out by seed range,
ASR-style transcripts with recognition errors, and negatives that count false alarms."""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path

import pytest

import callcorpus
from callcorpus import phrasebook
from callcorpus.names import FOREIGN_LOCALES

TUNING_SEED, HELD_OUT_SEED = 7, 1007
CALLS = 36
FLEMISH_MARKERS = {"allez", "amai", "awel", "'t", "ge", "gij", "hé", "da's", "merci", "ne", "efkes", "salu", "gsm",
                   "da", "'k", "den", "zijt"}
FILLERS = {"eh", "ehm", "uhm", "nou"}


def _load(folder: Path) -> list[tuple[dict, dict]]:
    out = []
    for path in sorted(folder.glob("*.truth.json")):
        transcript = json.loads(path.with_name(path.name[: -len(".truth.json")] + ".json").read_text("utf-8"))
        out.append((transcript, json.loads(path.read_text("utf-8"))))
    return out


@pytest.fixture(scope="module")
def tuning(tmp_path_factory) -> list[tuple[dict, dict]]:
    out = tmp_path_factory.mktemp("tuning")
    callcorpus.generate(out, calls=CALLS, seed=TUNING_SEED, audio=False)
    return _load(out)


@pytest.fixture(scope="module")
def held_out(tmp_path_factory) -> list[tuple[dict, dict]]:
    out = tmp_path_factory.mktemp("held_out")
    callcorpus.generate(out, calls=CALLS, seed=HELD_OUT_SEED, audio=False)
    return _load(out)


def words_of(transcript: dict, span: dict) -> list[dict]:
    a, b = span["words"]
    return transcript["words"][a:b]


def customer_words(transcript: dict) -> list[str]:
    return [w["text"].lower().strip(",.?!") for w in transcript["words"] if w["speaker"] == "customer"]


# ---------------------------------------------------------------- names and places
def _faker_list(source: str) -> set[str]:
    """The Faker list a truth source names, e.g. faker:nl_BE:first_names_female."""
    _, locale, name = source.split(":")
    kind = "address" if name == "cities" else "person"
    provider = importlib.import_module(f"faker.providers.{kind}.{locale}").Provider
    if name == "last_names" and locale == "pl_PL":
        return set(provider.male_last_names) | set(provider.unisex_last_names)
    return set(getattr(provider, name))


def test_names_and_places_come_from_faker_not_from_the_recognizers_lists(tuning, held_out):
    checked = set()
    for transcript, truth in tuning + held_out:
        assert truth["caller"]["name_lists"] == "faker"
        for p in truth["pii"]:
            assert p["sources"], p
            assert not any(s.startswith("deduce:") for s in p["sources"]), p
            if truth["transcript_style"] != "human" or p["form"] != "written":
                continue
            first = words_of(transcript, p)[0]["text"]
            # the recorded list really holds the value: a full name's first name, a town
            named = [s for s in p["sources"] if s.endswith(("first_names_male", "first_names_female"))]
            if p["entity_type"] == "PERSON" and named and not first.endswith("."):
                assert first in _faker_list(named[0]), (first, named)
                checked.add("first name")
            if p["entity_type"] == "LOCATION" and p["sources"] == ["faker:nl_NL:cities"]:
                assert p["text"] in _faker_list("faker:nl_NL:cities"), p["text"]
                checked.add("town")
    assert checked == {"first name", "town"}


def test_the_deduce_option_still_gives_the_recognizers_own_lists(tmp_path):
    callcorpus.generate(tmp_path, calls=6, seed=TUNING_SEED, audio=False, names="deduce")
    sources = set()
    for _, truth in _load(tmp_path):
        assert truth["caller"] == {"origin": "nl", "variety": "nl-NL", "name_lists": "deduce"}
        sources |= {s for p in truth["pii"] for s in p["sources"]}
    assert {s for s in sources if s != "generated"} and all(s.startswith("deduce:") for s in sources - {"generated"})


def test_flemish_callers_use_belgian_details_and_flemish_wording(tuning, held_out):
    flemish = [(t, truth) for t, truth in tuning + held_out if truth["caller"]["origin"] == "be"]
    assert len(flemish) >= CALLS // 6  # one caller in six
    details = set()
    for transcript, truth in flemish:
        assert truth["caller"]["variety"] == "nl-BE"
        assert FLEMISH_MARKERS & set(customer_words(transcript)), truth["call_id"]
        assert not {p["entity_type"] for p in truth["pii"]} & {"NL_BSN", "NL_LICENSE_PLATE", "NL_POSTCODE"}
        assert any(s.startswith("faker:nl_BE:") for p in truth["pii"] for s in p["sources"])
        for p in truth["pii"]:
            text = p["text"].replace(" ", "")
            if p["entity_type"] == "IBAN_CODE" and p["form"] == "written":
                assert text.startswith("BE"), text
                details.add("BE IBAN")
            if p["entity_type"] == "PHONE_NUMBER" and p["form"] == "written":
                assert re.match(r"^(\+32|0[1-9])", text), text
                details.add("Belgian phone")
            if p["entity_type"] == "LOCATION" and re.fullmatch(r"[1-9][0-9]{3} \S.*", p["text"]):
                details.add("postcode and town")
    assert details == {"BE IBAN", "Belgian phone", "postcode and town"}


def test_some_callers_have_foreign_origin_names(tuning, held_out):
    origins = {truth["caller"]["origin"] for _, truth in tuning + held_out}
    assert len(origins & set(FOREIGN_LOCALES)) >= 3
    for _, truth in tuning + held_out:
        if truth["caller"]["origin"] in FOREIGN_LOCALES:
            locale = truth["caller"]["origin"]
            assert any(s.startswith(f"faker:{locale}:") for p in truth["pii"] for s in p["sources"]), truth["call_id"]


def test_names_also_come_without_a_cue_word(held_out):
    """'Met wie spreek ik?' answered with a bare name, names of third parties, the agent named first."""
    cues = {"met", "is", "naam", "ben", "spreekt", "spreek", "hier", "meneer", "mevrouw", "heet"}
    bare = 0
    for transcript, truth in held_out:
        for p in truth["pii"]:
            a = p["words"][0]
            before = transcript["words"][a - 1]["text"].lower().strip(",.?!") if a else ""
            if p["entity_type"] == "PERSON" and p["form"] != "spelled" and before not in cues:
                bare += 1
    assert bare >= CALLS // 2


# ---------------------------------------------------------------- wording held out by seed
def _literal_grams(text: str, n: int = 4) -> set[tuple[str, ...]]:
    grams = set()
    for chunk in re.split(r"\{\w+\}", text):
        words = re.sub(r"[^\w' -]", " ", chunk.lower().replace("[", "").replace("]", "")).split()
        grams |= {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}
    return grams


def _literal_words(text: str) -> int:
    return len(re.sub(r"\{\w+\}", " ", text).split())


def test_the_phrasing_parts_share_no_wording():
    tuning, held = phrasebook.templates("tuning"), phrasebook.templates("held_out")
    assert len(tuning) > 300 and len(held) > 300
    normal = lambda t: " ".join(re.sub(r"[^\w' {}]", " ", t.lower()).split())  # noqa: E731
    same = {normal(t) for t in tuning.values() if _literal_words(t) >= 2} & {normal(t) for t in held.values()}
    assert not same
    shared = set().union(*map(_literal_grams, tuning.values())) & set().union(*map(_literal_grams, held.values()))
    assert not shared


def test_the_seed_decides_the_phrasing_part(tuning, held_out):
    for _, truth in tuning:
        assert truth["phrasing"]["part"] == "tuning"
        assert truth["phrasing"]["templates"] and all(k.startswith("tuning:") for k in truth["phrasing"]["templates"])
    for _, truth in held_out:
        assert truth["phrasing"]["part"] == "held_out"
        assert all(k.startswith("held_out:") for k in truth["phrasing"]["templates"])
    assert phrasebook.part_for(999) == "tuning" and phrasebook.part_for(1000) == "held_out"


def test_no_template_overlap_between_tuning_and_held_out_calls(tmp_path):
    """Calls of a tuning seed and a held-out seed: no template text in common, and no four words in a
    row of one part's templates in the other part's transcripts."""
    calls = {}
    for seed in (TUNING_SEED, HELD_OUT_SEED):
        callcorpus.generate(tmp_path / str(seed), calls=12, seed=seed, audio=False, style="human")
        calls[seed] = _load(tmp_path / str(seed))
    texts = {}
    for seed, part in ((TUNING_SEED, "tuning"), (HELD_OUT_SEED, "held_out")):
        book = phrasebook.book(part)
        texts[seed] = {book.lookup(k) for _, truth in calls[seed] for k in truth["phrasing"]["templates"]}
        assert len(texts[seed]) > 100
    assert not {t for t in texts[TUNING_SEED] if _literal_words(t) >= 2} & texts[HELD_OUT_SEED]
    for seed, other in ((HELD_OUT_SEED, "tuning"), (TUNING_SEED, "held_out")):
        grams = set().union(*map(_literal_grams, phrasebook.templates(other).values()))
        for transcript, truth in calls[seed]:
            words = [re.sub(r"[^\w' -]", "", w["text"].lower()) for w in transcript["words"]]
            seen = {tuple(words[i:i + 4]) for i in range(len(words) - 3)} & grams
            assert not seen, (truth["call_id"], sorted(seen)[:3])


# ---------------------------------------------------------------- ASR-style transcripts
def test_mixed_style_gives_asr_and_human_transcripts(tuning):
    styles = [truth["transcript_style"] for _, truth in tuning]
    assert 0.3 < styles.count("asr") / len(styles) < 0.7
    for _, truth in tuning:
        assert (truth["asr"] is None) == (truth["transcript_style"] == "human")


def test_asr_transcripts_are_lower_case_words_without_digits_or_punctuation(tuning):
    for transcript, truth in tuning:
        if truth["transcript_style"] != "asr":
            continue
        for w in transcript["words"]:
            text = w["text"]
            assert text == text.lower() and text.strip(), (truth["call_id"], text)
            assert not re.search(r"[0-9.,!?;:€@%]", text), (truth["call_id"], text)


def test_asr_transcripts_show_fillers_and_recognition_errors(tuning):
    asr = [(t, truth) for t, truth in tuning if truth["transcript_style"] == "asr"]
    errors = {"substitutions": 0, "deletions": 0, "insertions": 0}
    for _, truth in asr:
        for k in errors:
            errors[k] += truth["asr"][k]
        assert 0 < truth["asr"]["word_error_rate"] < 0.4, truth["asr"]
    assert all(errors.values()), errors
    assert sum(1 for t, _ in asr if FILLERS & set(w["text"] for w in t["words"])) >= len(asr) // 3
    heard = [p for _, truth in asr for p in truth["pii"]]
    altered = [p for p in heard if p["heard"] == "altered"]
    assert 0.1 < len(altered) / len(heard) < 0.6
    # a name can come out as several ordinary words ("ver hoeven"): still PII, on the words shown
    assert any(p["entity_type"] == "PERSON" and len(p["text"].split()) > len(p["said"].split()) for p in altered)


def test_pii_spans_stay_exact_on_the_transcript_whatever_the_recogniser_heard(tuning, held_out):
    for transcript, truth in tuning + held_out:
        for p in truth["pii"]:
            assert p["text"] == " ".join(w["text"] for w in words_of(transcript, p))
            if truth["transcript_style"] == "human":
                assert p["heard"] == "exact"
            elif p["heard"] == "exact":
                assert p["text"] == p["said"], p
            else:
                assert p["text"] != p["said"] or p["form"] == "spelled", p


def test_the_style_option_fixes_every_transcript(tmp_path):
    for style in ("human", "asr"):
        callcorpus.generate(tmp_path / style, calls=4, seed=TUNING_SEED, audio=False, style=style)
        assert {truth["transcript_style"] for _, truth in _load(tmp_path / style)} == {style}


def test_asr_words_keep_the_times_of_what_was_said(tmp_path):
    """The audio is the clean script whatever the transcript style; an ASR word lies inside the time
    the same personal detail takes in the human transcript of the same call."""
    for style in ("human", "asr"):
        callcorpus.generate(tmp_path / style, calls=2, seed=TUNING_SEED, style=style)
    for name in ("c0001-s7", "c0002-s7"):
        assert (tmp_path / "human" / f"{name}.wav").read_bytes() == (tmp_path / "asr" / f"{name}.wav").read_bytes()
    human, asr = (_load(tmp_path / s) for s in ("human", "asr"))
    for (ht, htruth), (at, atruth) in zip(human, asr):
        assert len(htruth["pii"]) == len(atruth["pii"])
        for hp, ap in zip(htruth["pii"], atruth["pii"]):
            assert hp["entity_type"] == ap["entity_type"] and hp["said"] == ap["said"]
            h, a = words_of(ht, hp), words_of(at, ap)
            assert h[0]["start"] - 0.002 <= a[0]["start"] and a[-1]["end"] <= h[-1]["end"] + 0.002, (hp, ap)


# ---------------------------------------------------------------- negatives
def test_negatives_cover_what_trips_detectors(tuning, held_out):
    types, looks = set(), set()
    for transcript, truth in tuning + held_out:
        pii_words = {i for p in truth["pii"] for i in range(*p["words"])}
        for n in truth["negatives"]:
            assert n["text"] == " ".join(w["text"] for w in words_of(transcript, n))
            assert not pii_words & set(range(*n["words"])), n
            types.add(n["type"])
            if n["type"] == "name_like_word":
                looks.add(n["looks_like"])
    assert types == {"amount", "count", "percentage", "time", "dose", "date", "product", "company", "name_like_word"}
    assert looks == {"surname", "place"}


def test_negatives_include_ranges_times_and_dates_with_a_year(tuning, held_out):
    texts = [n["text"] for _, truth in tuning + held_out for n in truth["negatives"]]
    assert any(re.search(r"\btot\b|\btussen\b", t) for t in texts)  # "500 tot 1000 euro"
    assert any(re.search(r"\bhalf\b|\d:\d\d|\bkwart\b", t) for t in texts)  # "half drie", "14:30"
    assert any(re.search(r"20(25|26)|tweeduizend", t) for t in texts)  # an invoice date is no birth date

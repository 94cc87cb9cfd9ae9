"""The third-party PII benchmark's instrument (benchmarks/thirdparty): CoNLL conversion with exact offsets,
the spoken rendering, the token scorer, pinned-file checking. Every text here is made up; nothing is
downloaded (sources are read from a git repository created in a temporary folder)."""

from __future__ import annotations

import subprocess

import pytest

from benchmarks.thirdparty import load_docs
from benchmarks.thirdparty.convert import (CONLL_TYPES, OUT_OF_SCOPE, Doc, detokenise, outside_name_scheme,
                                           read_conll, rule_marks, sentences_to_doc)
from benchmarks.thirdparty.readers import read_source
from benchmarks.thirdparty.score import Tally, tokens
from benchmarks.thirdparty.sources import Source, SourceError, fetch
from benchmarks.thirdparty.spoken import FORMS, number_form, render, say_digits, say_email, say_token

# Two made-up articles in CoNLL-2002 layout (word POS IOB2-tag); the second has nine sentences.
SNIPPET = """-DOCSTART- -DOCSTART- O
Gisteren Adv O
sprak V O
Mirte N B-PER
van Prep I-PER
Dalen N I-PER
( Punc O
Zeevogels N B-ORG
) Punc O
in Prep O
Sneek N B-LOC
, Punc O
zei V O
' Punc O
De Art B-MISC
Grote Adj I-MISC
Regatta N I-MISC
' Punc O
. Punc O

Dat Pron O
kost V O
12,50 Num O
euro N O
. Punc O

-DOCSTART- -DOCSTART- O
""" + "".join(f"Zin N O\nnummer N O\n{i} Num O\n. Punc O\n\n" for i in range(1, 10))


def _at(text: str, part: str, kind):
    start = text.index(part)
    return (start, start + len(part), kind)


def _conll_docs(tmp_path, name="ned.testb"):
    path = tmp_path / name
    path.write_text(SNIPPET, encoding="utf-8")
    return read_source("conll2002", {name: path})


# ------------------------------------------------------------------------------------------ converter
def test_conll_tokens_become_readable_text_with_exact_offsets(tmp_path):
    doc = _conll_docs(tmp_path)[0]
    assert doc.text == ("Gisteren sprak Mirte van Dalen (Zeevogels) in Sneek, zei 'De Grote Regatta'. "
                        "Dat kost 12,50 euro.")
    assert [(doc.text[a:b], t) for a, b, t in doc.spans] == [
        ("Mirte van Dalen", "PERSON"), ("Zeevogels", None), ("Sneek", "LOCATION"), ("De Grote Regatta", None)]
    assert [(doc.text[a:b], k) for a, b, k in doc.marks] == [("12,50", "number")]


def test_conll_documents_hold_up_to_eight_sentences_of_one_article_and_keep_the_file_split(tmp_path):
    docs = _conll_docs(tmp_path)
    assert [len(d.text.split(". ")) for d in docs] == [2, 4, 5]  # article 1; article 2 (9 sentences) in two
    assert docs[1].text.startswith("Zin nummer 1.") and docs[2].text.endswith("Zin nummer 9.")
    assert {d.split for d in docs} == {"heldout"}
    assert {d.split for d in _conll_docs(tmp_path, "ned.train")} == {"tune"}


def test_wikineural_lines_of_index_word_tag_become_documents_split_by_file(tmp_path):
    """WikiNEuRal's layout (index, word, IOB2 tag, tab-separated): the index is no word; val is tune, test
    held out."""
    made_up = "0\tGisteren\tO\n1\tbelde\tO\n2\tMirte\tB-PER\n3\tvan\tI-PER\n4\tDalen\tI-PER\n" \
              "5\tuit\tO\n6\tSneek\tB-LOC\n7\t.\tO\n\n0\tDat\tO\n1\tklopt\tO\n2\t.\tO\n"
    files = {}
    for name in ("val.conllu", "test.conllu"):
        (tmp_path / name).write_text(made_up, encoding="utf-8")
        files[f"data/wikineural/nl/{name}"] = tmp_path / name
    docs = read_source("wikineural", files)
    assert [d.split for d in docs] == ["tune", "heldout"]
    assert docs[0].text == "Gisteren belde Mirte van Dalen uit Sneek. Dat klopt."
    assert [(docs[0].text[a:b], kind) for a, b, kind in docs[0].spans] == [("Mirte van Dalen", "PERSON"),
                                                                           ("Sneek", "LOCATION")]


def test_iob1_tags_start_an_entity_after_o_and_split_on_b():
    articles = read_conll("Ruud NNP I-PER\nKoster NNP I-PER\nJoop NNP B-PER\nmet IN O\nLelystad NNP I-LOC\n")
    doc = sentences_to_doc("x", "conll2003", "tune", "en", articles[0], CONLL_TYPES)
    assert [doc.text[a:b] for a, b, _ in doc.spans] == ["Ruud Koster", "Joop", "Lelystad"]


def test_detokenise_english_clitics_and_brackets():
    text, offsets = detokenise(["Ines", "'s", "car", "(", "red", ")", "is", "n't", "here", "."], "en")
    assert text == "Ines's car (red) isn't here."
    assert [text[a:b] for a, b in offsets][1] == "'s"


def test_contact_details_a_names_only_scheme_never_annotated_count_nowhere():
    text = ("Info: Museum Kanselarijstraat 19, 1000 Brussel, tel. 02 / 227.63.97 of mail info@museum.be "
            "en www.museum.be. In 2000 Brussel bezocht, zei Kanselarijstraat 19 keer.")
    gold = tuple(sorted([_at(text, "Kanselarijstraat", "LOCATION"), _at(text, "Brussel", "LOCATION"),
                         (text.index("Brussel bezocht"), text.index("Brussel bezocht") + 7, "LOCATION"),
                         _at(text, "Museum", None)]))
    out = outside_name_scheme(text, gold, "nl")
    assert [text[a:b] for a, b, _ in out] == ["19", "1000", "02 / 227.63.97", "info@museum.be", "www.museum.be"]
    assert {k for _, _, k in out} == {OUT_OF_SCOPE}
    # the year before a town is no postcode (no comma or house number before it), an annotated span wins
    assert outside_name_scheme("Het museum 02 / 227.63.97", ((11, 25, None),), "nl") == ()


def test_conll_documents_mark_their_contact_details_out_of_scope_and_leave_them_unmarked():
    articles = read_conll("Bel O\n02 O\n/ O\n227.63.97 O\nin O\nGent B-LOC\n. O\n")
    doc = sentences_to_doc("x", "conll2002", "tune", "nl", articles[0], CONLL_TYPES)
    assert [(doc.text[a:b], t) for a, b, t in doc.spans] == [("02 / 227.63.97", OUT_OF_SCOPE), ("Gent", "LOCATION")]
    assert doc.marks == ()  # not counted as a number either


def test_a_span_outside_the_text_is_refused():
    with pytest.raises(ValueError, match="outside"):
        Doc("d", "s", "tune", "nl", "kort", spans=((2, 9, "PERSON"),))


# ------------------------------------------------------------------------------------------ spoken
def test_spoken_rendering_maps_every_span_onto_its_spoken_words():
    text = "Bel Femke de Roos op 06-87654321 of mail f.de-roos@voorbeeld.nl, postcode 9713 XK."
    spans = (_at(text, "Femke de Roos", "PERSON"), _at(text, "06-87654321", "PHONE_NUMBER"),
             _at(text, "f.de-roos@voorbeeld.nl", "EMAIL_ADDRESS"), _at(text, "9713 XK", "NL_POSTCODE"))
    written = Doc("nl/1", "test", "tune", "nl", text, spans, rule_marks(text, spans))
    spoken = render(written)
    got = {t: spoken.text[a:b] for a, b, t in spoken.spans}
    assert got["PERSON"] == "femke de roos"
    assert got["EMAIL_ADDRESS"] == "f punt de streepje roos apenstaartje voorbeeld punt nl"
    assert got["PHONE_NUMBER"] == " ".join([say_digits("06", number_form("nl/1", "06"), "nl"),
                                           say_digits("87654321", number_form("nl/1", "87654321"), "nl")])
    assert got["NL_POSTCODE"] == say_digits("9713", number_form("nl/1", "9713"), "nl") + " x k"
    assert spoken.text == " ".join(say_token("nl/1", t, "nl", spelled=t.startswith(("9713", "XK")))
                                   for t in text.split())
    assert spoken.text == spoken.text.lower() and not any(c in spoken.text for c in ",.-@")


def test_numbers_are_read_in_three_forms_chosen_per_number():
    forms = {number_form("doc", str(n)): str(n) for n in range(10, 100)}
    assert set(forms) == set(FORMS)
    assert say_digits("1234", "digits", "nl") == "een twee drie vier"
    assert say_digits("1234", "pairs", "nl") == "twaalf vierendertig"
    assert say_digits("1234", "whole", "nl") == "duizendtweehonderdvierendertig"
    assert say_digits("0612", "pairs", "nl") == "nul zes twaalf"
    assert say_digits("123", "pairs", "en") == "one twenty three"
    assert number_form("doc", "612345678") != "whole"  # nobody says a phone number as one number


def test_thousands_ordinals_plus_and_apostrophes_are_read_as_said():
    assert say_token("d", "1.250", "nl") == "duizendtweehonderdvijftig"
    assert say_token("d", "+31", "nl").startswith("plus ")
    assert say_email("d", "ab_c2@x-y.com", "en") == "ab underscore c two at x dash y dot com"
    assert say_token("d", "65th", "en") == "sixty fifth" and say_token("d", "3e", "nl") == "derde"
    assert say_token("d", "O'Brien,", "en") == "o'brien"


def test_spoken_marks_follow_their_numbers_and_punctuation_only_spans_are_dropped():
    text = "Het kost 45 euro , echt ."
    doc = Doc("m", "s", "tune", "nl", text, (_at(text, ",", None),), rule_marks(text, ()))
    spoken = render(doc)
    assert spoken.spans == ()
    ((a, b, kind),) = spoken.marks
    assert kind == "number" and spoken.text[a:b] == say_digits("45", number_form("m", "45"), "nl")


# ------------------------------------------------------------------------------------------ scorer
def _scored(predicted, recall_only=False):
    text = "Piet Bakker woont in Zwolle, werkt bij Ajax sinds 3 mei 2001 voor 250 euro, is 64 jaar."
    spans = (_at(text, "Piet Bakker", "PERSON"), _at(text, "Zwolle", "LOCATION"), _at(text, "Ajax", None),
             _at(text, "64 jaar", OUT_OF_SCOPE))
    doc = Doc("s", "test", "tune", "nl", text, spans, rule_marks(text, spans))
    tally = Tally(recall_only=recall_only, keep_errors=True)
    tally.add(doc, predicted)
    return doc, tally


def test_scorer_counts_any_type_per_type_and_negatives_by_class():
    predicted = [(0, 4, "PERSON"), (21, 27, "PERSON"), (39, 43, "LOCATION"), (50, 60, "DATE_OF_BIRTH"),
                 (66, 69, "ACCOUNT_ID"), (79, 81, "ACCOUNT_ID")]
    doc, tally = _scored(predicted)
    assert [doc.text[a:b] for a, b, _ in predicted] == ["Piet", "Zwolle", "Ajax", "3 mei 2001", "250", "64"]
    assert [doc.text[a:b] for a, b, _ in doc.marks] == ["3 mei 2001", "250"]
    s = tally.summary()
    assert s["tokens"] == 18 and s["counts"] == {"tp": 2, "fn": 1, "fp": 5, "tn": 8}
    assert s["precision"] == round(2 / 7, 4) and s["recall"] == round(2 / 3, 4)
    assert s["recall_by_type"]["PERSON"] == {"n": 2, "any_type": 0.5, "same_type": 0.5}
    assert s["recall_by_type"]["LOCATION"] == {"n": 1, "any_type": 1.0, "same_type": 0.0}  # Zwolle as PERSON
    assert s["precision_by_predicted_type"]["PERSON"] == {"n": 2, "personal": 1.0, "same_type": 0.5}
    assert s["precision_by_predicted_type"]["ACCOUNT_ID"] == {"n": 1, "personal": 0.0, "same_type": 0.0}
    assert s["dutch_place_names"] == {"n": 1, "recall": 1.0}
    fa = s["false_alarms_by_class"]
    assert fa["date"] == {"tokens": 3, "redacted": 3, "DATE_OF_BIRTH": 3}
    assert fa["number"] == {"tokens": 1, "redacted": 1, "ACCOUNT_ID": 1}
    assert fa["org_misc"] == {"tokens": 1, "redacted": 1, "LOCATION": 1}
    assert fa["other"] == {"tokens": 8}
    kinds = [(e["kind"], e["text"]) for e in tally.errors]
    assert kinds == [("miss", "Bakker"), ("false_alarm", "Ajax"), ("false_alarm", "3 mei 2001"),
                     ("false_alarm", "250")]


def test_a_personal_span_inside_a_not_personal_one_makes_its_tokens_positives():
    text = "De Stichting Femke Vos belt."
    spans = (_at(text, "Stichting Femke Vos", None), _at(text, "Femke Vos", "PERSON"))
    tally = Tally()
    tally.add(Doc("o", "test", "tune", "nl", text, spans), [_at(text, "Stichting", "PERSON")])
    s = tally.summary()
    assert s["counts"] == {"fn": 2, "fp": 1, "tn": 2}
    assert s["false_alarms_by_class"]["org_misc"] == {"tokens": 1, "redacted": 1, "PERSON": 1}


def test_tokens_lose_edge_punctuation_only():
    text = "(Zwolle), 's-Gravenhage ... f.de-roos@x.nl."
    assert [text[a:b] for a, b in tokens(text)] == ["Zwolle", "s-Gravenhage", "f.de-roos@x.nl"]


def test_recall_only_sources_report_no_precision():
    _, tally = _scored([(0, 11, "PERSON")], recall_only=True)
    s = tally.summary()
    assert s["precision"] is None and s["false_alarms_by_class"] is None and s["recall"] == round(2 / 3, 4)


# ------------------------------------------------------------------------------------------ sources
def _mirror(tmp_path, content: bytes) -> tuple:
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.txt").write_bytes(content)
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-C", str(work)]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "data.txt"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "data"], check=True)
    commit = subprocess.run([*git, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    mirror = tmp_path / "mirror"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(mirror / "someone+corpus" / "repo")], check=True)
    return mirror, commit


def test_pinned_files_are_read_from_the_mirror_and_checked(tmp_path):
    import hashlib

    content = b"Woord O\n"
    mirror, commit = _mirror(tmp_path, content)
    source = Source("made-up", "nl", f"github:someone/corpus@{commit}",
                    {"data.txt": hashlib.sha256(content).hexdigest()}, "CC0", "-", "-")
    got = fetch(source, mirror=mirror, cache=tmp_path / "cache")
    assert got["data.txt"].read_bytes() == content
    assert fetch(source, mirror=tmp_path / "nowhere", cache=tmp_path / "cache") == got  # cached now

    wrong = Source("made-up-2", "nl", source.origin, {"data.txt": "0" * 64}, "CC0", "-", "-")
    with pytest.raises(SourceError, match="data.txt: sha256 .* is not the pinned"):
        fetch(wrong, mirror=mirror, cache=tmp_path / "cache")
    assert not (tmp_path / "cache" / "made-up-2").exists()


def test_load_docs_refuses_unknown_splits_and_mixed_languages():
    with pytest.raises(ValueError, match="split"):
        load_docs(split="test")
    with pytest.raises(ValueError, match="not in language 'nl'"):
        load_docs(split="tune", sources=["conll2003"], language="nl")


def test_errors_of_heldout_documents_need_an_explicit_flag(capsys):
    from benchmarks.pii_thirdparty import parse_args

    with pytest.raises(SystemExit):
        parse_args(["--split", "heldout", "--errors", "e.jsonl"])
    assert "tune split only" in capsys.readouterr().err
    assert parse_args(["--split", "heldout", "--errors", "e.jsonl", "--i-know-this-is-heldout"]).errors

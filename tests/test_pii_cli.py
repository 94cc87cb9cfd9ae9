"""`curation pii detect` and `curation pii evaluate`: the contract other tools rely on."""

from __future__ import annotations

import json

from click.testing import CliRunner

from curation.cli.main import cli

LINES = ["Goedemiddag, u spreekt met Jan de Vries.", "", "Het kost honderd tien euro.",
         "Mijn nummer is nul zes twaalf vierendertig zesenvijftig achtenzeventig"]


def test_detect_writes_one_json_object_per_input_line():
    result = CliRunner().invoke(cli, ["pii", "detect"], input="\n".join(LINES) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert [r["text"] for r in rows] == LINES
    assert rows[0]["spans"] == [{"entity_type": "PERSON", "start": 27, "end": 39, "score": rows[0]["spans"][0]["score"],
                                 "text": "Jan de Vries"}]
    assert rows[1]["spans"] == [] and rows[2]["spans"] == []
    (phone,) = rows[3]["spans"]
    assert phone["entity_type"] == "PHONE_NUMBER" and LINES[3][phone["start"]:phone["end"]] == phone["text"]
    assert set(phone) == {"entity_type", "start", "end", "score", "text"}


def test_detect_english():
    result = CliRunner().invoke(cli, ["pii", "detect", "--lang", "en"], input="My email is john@example.com\n")
    assert result.exit_code == 0
    (row,) = [json.loads(line) for line in result.output.splitlines()]
    assert [s["entity_type"] for s in row["spans"]] == ["EMAIL_ADDRESS"]


def test_detect_refuses_an_unknown_language():
    result = CliRunner().invoke(cli, ["pii", "detect", "--lang", "de"], input="x\n")
    assert result.exit_code != 0 and "de" in result.output


def _write_call(folder, stem, items, pii):
    """items: (speaker, word); pii: (entity_type, first_word, end_word)."""
    words = [{"text": w, "start": k * 0.5, "end": k * 0.5 + 0.4, "speaker": s, "confidence": 0.9}
             for k, (s, w) in enumerate(items)]
    transcript = {"format": "curation-transcript", "version": 1, "language": "nl",
                  "speakers": [{"label": "agent", "role": "agent", "channel": 0},
                               {"label": "customer", "role": "customer", "channel": 1}], "words": words}
    truth = {"format": "curation-truth", "version": 1, "call_id": stem, "seed": 0, "language": "nl",
             "pii": [{"entity_type": e, "words": [a, b], "text": " ".join(w for _, w in items[a:b]), "form": "written",
                      "speaker": items[a][0]} for e, a, b in pii]}
    (folder / f"{stem}.json").write_text(json.dumps(transcript), encoding="utf-8")
    (folder / f"{stem}.truth.json").write_text(json.dumps(truth), encoding="utf-8")


def _corpus(tmp_path):
    said = "Goedemiddag, met Jan de Vries, mijn nummer is 06-12345678 en ik woon in Utrecht.".split()
    _write_call(tmp_path, "c1", [("customer", w) for w in said],
                [("PERSON", 2, 5), ("PHONE_NUMBER", 8, 9), ("LOCATION", 13, 14)])
    said = "Mijn klantnummer is vier vijf zes zeven acht negen een en mijn postcode is 3511 AB.".split()
    # the truth also marks the postcode letters "AB." and a name the detector cannot know
    _write_call(tmp_path, "c2", [("customer", w) for w in said] + [("agent", "Dank"), ("agent", "u,"),
                                                                     ("agent", "xyzzy.")],
                [("ACCOUNT_ID", 3, 10), ("NL_POSTCODE", 14, 16), ("PERSON", 18, 19)])
    return tmp_path


def test_evaluate_reports_per_entity_scores_and_misses(tmp_path):
    result = CliRunner().invoke(cli, ["pii", "evaluate", "--corpus", str(_corpus(tmp_path)), "--format", "json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["calls"] == 2
    per = report["per_entity"]
    assert per["PHONE_NUMBER"] == {"precision": 1.0, "recall": 1.0, "f2": 1.0, "tp": 1, "fp": 0, "fn": 0, "support": 1}
    assert per["ACCOUNT_ID"]["recall"] == 1.0 and per["ACCOUNT_ID"]["support"] == 7
    assert per["PERSON"]["tp"] == 3 and per["PERSON"]["fn"] == 1 and per["PERSON"]["recall"] == 0.75
    assert report["overall"]["fn"] == 1
    assert [(m["entity_type"], m["text"]) for m in report["misses"]] == [("PERSON", "xyzzy.")]


def test_evaluate_table_lists_every_entity_type(tmp_path):
    result = CliRunner().invoke(cli, ["pii", "evaluate", "--corpus", str(_corpus(tmp_path))])
    assert result.exit_code == 0, result.output
    for name in ("ALL PII", "PERSON", "NL_BSN", "ACCOUNT_ID", "misses"):
        assert name in result.output


def test_evaluate_needs_exactly_one_source(tmp_path):
    result = CliRunner().invoke(cli, ["pii", "evaluate"])
    assert result.exit_code != 0 and "--corpus" in result.output


def test_evaluate_folder_without_truth_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(cli, ["pii", "evaluate", "--corpus", str(tmp_path)])
    assert result.exit_code != 0
    assert "no *.truth.json" in str(result.exception) + result.output

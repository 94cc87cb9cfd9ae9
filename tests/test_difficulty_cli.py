"""Difficulty in a real workspace: analyse, browse as a DataFrame, the CLI contract, tags, weights."""

from __future__ import annotations

import csv
import io
import json

from dataclasses import dataclass

import pytest
from click.testing import CliRunner

from curation.cli.main import cli
from curation.errors import CurationError
from tests.test_difficulty_support import ROUTINE, Line, write_call

CALLS = {
    "routine": ROUTINE,
    "angry": [*ROUTINE[:3], Line("customer", "Dit is belachelijk, ik wil een klacht indienen bij de ombudsman!", level=0.4, pitch=1.2),
              Line("agent", "Dat begrijp ik."), Line("customer", "Klootzak, geef me je leidinggevende!", level=0.45, pitch=1.2)],
    "monologue": [ROUTINE[0], Line("customer", "Ja."),
                  Line("agent", " ".join(["Dan vertel ik u nog even alles over onze nieuwe voorwaarden."] * 8)),
                  Line("customer", "Oke.")],
    "price": [ROUTINE[0], Line("customer", "Op de website stond honderd euro."),
              Line("agent", "Nee, het is honderdtien euro."), Line("customer", "Dat klopt niet, u zei toch honderd euro?")],
}


@pytest.fixture
def analysed(workspace, tmp_path, monkeypatch):
    """The conftest workspace (users admin, tester=trainer) with four crafted calls, analysed by the trainer."""
    from curation.difficulty.store import analyse_workspace
    from curation.ingest.importer import ingest
    from curation.roles import add_user

    monkeypatch.setenv("CURATION_USER", "tester")
    add_user(workspace, "boss", "manager", user="admin")
    src = tmp_path / "calls"
    src.mkdir()
    for stem, lines in CALLS.items():
        write_call(src, stem, lines)
    ingest(workspace, [src], "tester")
    summary = analyse_workspace(workspace)
    assert summary.analysed == 4 and not summary.failed
    return workspace


@dataclass
class Result:
    exit_code: int
    output: str


def run(*args) -> Result:
    """Invoke the CLI as `curation` does: a CurationError becomes `error: ...` and a non-zero exit."""
    result = CliRunner().invoke(cli, [str(a) for a in args])
    if isinstance(result.exception, CurationError):
        return Result(result.exception.exit_code, result.output + f"error: {result.exception}\n")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return Result(result.exit_code, result.output)


def test_difficult_calls_frame_is_sorted_with_timed_reasons(analysed):
    from curation.difficulty.browse import difficult_calls_frame

    frame = difficult_calls_frame(analysed)
    assert set(frame["call_id"]) == {"angry", "monologue", "price"}
    assert list(frame["score"]) == sorted(frame["score"], reverse=True)
    assert all(" s)" in r for r in frame["top_reasons"])
    assert "abusive" in frame.set_index("call_id").at["angry", "categories"]


def test_frame_filters_by_category_and_min_score(analysed):
    from curation.difficulty.browse import difficult_calls_frame

    assert list(difficult_calls_frame(analysed, category="misunderstanding")["call_id"]) == ["price"]
    everything = difficult_calls_frame(analysed, min_score=0)
    assert len(everything) == 4 and everything["call_id"].iloc[-1] == "routine"


def test_weights_re_rank_the_stored_calls(analysed):
    from curation.difficulty.browse import difficult_calls_frame

    default = list(difficult_calls_frame(analysed, min_score=0)["call_id"])
    assert default.index("angry") < default.index("monologue")
    trainer = difficult_calls_frame(analysed, min_score=0, weights={"abusive_language": 0, "complaint_language": 0,
                                                                    "raised_voice": 0, "sentiment_trajectory": 0,
                                                                    "talk_balance": 1.0})
    ranked = list(trainer["call_id"])
    assert ranked.index("monologue") < ranked.index("angry")


def test_cli_calls_difficult_json(analysed):
    result = run("calls", "--workspace", analysed.root, "--difficult", "--format", "json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [r["call_id"] for r in rows][0] == "angry"
    assert all(r["top_reasons"] for r in rows)
    assert {"call_id", "score", "categories", "top_reasons"} <= set(rows[0])


def test_cli_difficult_json_gives_each_reason_as_a_record(analysed):
    rows = json.loads(run("calls", "-w", analysed.root, "--difficult", "--format", "json").output)
    angry = next(r for r in rows if r["call_id"] == "angry")
    reasons = angry["reasons"]
    assert reasons and all(set(r) == {"signal", "strength", "contribution", "quote", "speaker", "time"} for r in reasons)
    assert [r["contribution"] for r in reasons] == sorted((r["contribution"] for r in reasons), reverse=True)
    abuse = next(r for r in reasons if r["signal"] == "abusive_language")
    assert abuse["speaker"] == "customer" and "Klootzak" in abuse["quote"] and abuse["time"] > 0
    assert 0 < abuse["contribution"] <= abuse["strength"] <= 1
    assert reasons[0]["signal"].replace("_", " ") in angry["top_reasons"].split(";")[0]


def test_cli_difficult_csv_reasons_are_a_json_cell(analysed):
    rows = list(csv.DictReader(io.StringIO(run("calls", "-w", analysed.root, "--difficult", "--format", "csv").output)))
    parsed = json.loads(next(r for r in rows if r["call_id"] == "angry")["reasons"])
    assert {r["signal"] for r in parsed} >= {"abusive_language", "complaint_language"}
    assert "reasons" not in run("calls", "-w", analysed.root, "--difficult").output.splitlines()[0].split()


def test_managers_get_reason_records_without_quotes(analysed, monkeypatch):
    monkeypatch.setenv("CURATION_USER", "boss")
    rows = json.loads(run("calls", "-w", analysed.root, "--difficult", "--format", "json").output)
    reasons = [r for row in rows for r in row["reasons"]]
    assert reasons and all(r["quote"] is None for r in reasons)
    assert any(r["speaker"] == "customer" and r["time"] is not None for r in reasons)
    assert "Klootzak" not in json.dumps(rows)


def test_cli_calls_difficult_category_min_score_csv_and_table(analysed):
    out = run("calls", "-w", analysed.root, "--difficult", "--category", "unbalanced_conversation", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out.output)))
    assert [r["call_id"] for r in rows] == ["monologue"] and "monologue" in rows[0]["top_reasons"]
    table = run("calls", "-w", analysed.root, "--difficult", "--min-score", "99.9")
    assert table.exit_code == 0 and "(no rows)" in table.output
    bad = run("calls", "-w", analysed.root, "--category", "abusive")
    assert bad.exit_code != 0 and "--difficult" in bad.output


def test_cli_plain_calls_listing_still_works(analysed):
    rows = json.loads(run("calls", "-w", analysed.root, "--format", "json").output)
    assert len(rows) == 4 and "top_reasons" not in rows[0]


def test_cli_show_lists_every_signal_with_evidence(analysed):
    info = json.loads(run("difficulty", "show", "-w", analysed.root, "--call", "angry", "--format", "json").output)
    by_name = {s["name"]: s for s in info["signals"]}
    assert by_name["abusive_language"]["evidence"][0]["role"] == "customer"
    assert by_name["raised_voice"]["strength"] > 0.5
    missing = run("difficulty", "show", "-w", analysed.root, "--call", "nope")
    assert missing.exit_code != 0 and "not been analysed" in missing.output


def test_cli_error_is_one_line(analysed):
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "curation.cli", "difficulty", "show", "-w", str(analysed.root),
                             "--call", "nope"], capture_output=True, text=True, env={**__import__("os").environ})
    assert result.returncode != 0
    assert result.stderr.strip().startswith("error: ") and len(result.stderr.strip().splitlines()) == 1


def test_cli_weights_saved_in_the_workspace_change_the_listing(analysed):
    out = run("difficulty", "weights", "-w", analysed.root, "--set", "talk_balance=0", "--set", "unbalanced_conversation.talk_balance=0",
              "--format", "json")
    assert json.loads(out.output)["signals"]["talk_balance"] == 0
    ids = [r["call_id"] for r in json.loads(run("calls", "-w", analysed.root, "--difficult", "--format", "json").output)]
    assert "monologue" not in ids
    from curation.difficulty.store import call_signals
    stored = call_signals(analysed, "monologue")  # what dashboards read agrees with the new weights
    assert not stored["difficult"] and stored["categories"] == []
    bad = run("difficulty", "weights", "-w", analysed.root, "--set", "loudness=2")
    assert bad.exit_code != 0 and "unknown weight" in bad.output
    run("difficulty", "weights", "-w", analysed.root, "--reset")
    ids = [r["call_id"] for r in json.loads(run("calls", "-w", analysed.root, "--difficult", "--format", "json").output)]
    assert "monologue" in ids


def test_cli_tags_and_learning_topics(analysed):
    out = run("difficulty", "tag", "-w", analysed.root, "--call", "angry", "--tag", "Goed voorbeeld", "--topic", "de-escalatie")
    assert out.exit_code == 0 and "goed voorbeeld" in out.output and "de-escalatie" in out.output
    unknown = run("difficulty", "tag", "-w", analysed.root, "--call", "angry", "--topic", "bellen met plezier")
    assert unknown.exit_code != 0 and "unknown learning topic" in unknown.output
    run("difficulty", "tag", "-w", analysed.root, "--call", "price", "--topic", "bellen met plezier", "--new-topic")
    topics = json.loads(run("difficulty", "topics", "-w", analysed.root, "--format", "json").output)
    assert {"klachtafhandeling", "gespreksstructuur", "bellen met plezier"} <= {t["name"] for t in topics}
    rows = json.loads(run("calls", "-w", analysed.root, "--difficult", "--format", "json").output)
    assert next(r for r in rows if r["call_id"] == "angry")["learning_topics"] == "de-escalatie"
    from curation.difficulty.browse import difficult_calls_frame
    assert list(difficult_calls_frame(analysed, topic="de-escalatie")["call_id"]) == ["angry"]
    removed = run("difficulty", "tag", "-w", analysed.root, "--call", "angry", "--tag", "goed voorbeeld", "--remove")
    assert "tags: -" in removed.output
    assert run("difficulty", "tag", "-w", analysed.root, "--call", "nope", "--tag", "x").exit_code != 0


def test_cli_analyse_reports_counts_and_audits(analysed):
    from curation import audit

    out = run("difficulty", "analyse", "-w", analysed.root, "--no-audio")
    assert out.exit_code == 0 and "analysed 4 calls" in out.output
    with analysed.engine.connect() as conn:
        assert not audit.verify(conn)
        actions = [r.action for r in conn.exec_driver_sql("SELECT action FROM audit_events")]
    assert actions.count("difficulty.analysed") == 2


def test_analysis_survives_a_call_whose_audio_is_gone(analysed):
    from curation.catalogue import get_call
    from curation.difficulty.store import analyse_workspace, call_signals

    analysed.path_of(get_call(analysed, "price").audio_path).unlink()
    summary = analyse_workspace(analysed, redo=True)  # the calls are analysed already: again, on purpose
    assert summary.analysed == 4 and not summary.failed
    info = call_signals(analysed, "price")
    assert any("audio" in n for n in info["notes"]) and "misunderstanding" in info["categories"]


def test_erasing_a_call_takes_its_difficulty_rows_along(analysed):
    from sqlalchemy import text

    with analysed.transaction() as conn:
        for table in ("words", "turns", "speakers", "consent_records", "calls"):
            conn.execute(text(f"DELETE FROM {table} WHERE {'id' if table == 'calls' else 'call_id'} = 'angry'"))
    with analysed.engine.connect() as conn:
        for table in ("difficulty_scores", "difficulty_signals", "difficulty_evidence"):
            assert conn.execute(text(f"SELECT count(*) FROM {table} WHERE call_id = 'angry'")).scalar() == 0


def test_managers_see_scores_and_reasons_but_no_quotes(analysed, monkeypatch):
    from curation.difficulty.browse import difficult_calls_frame
    from curation.difficulty.store import analyse_workspace, call_signals
    from curation.errors import PermissionDenied

    frame = difficult_calls_frame(analysed, user="boss")
    assert len(frame) == 3 and all(r and "“" not in r for r in frame["top_reasons"])
    with pytest.raises(PermissionDenied):
        call_signals(analysed, "angry", user="boss")
    with pytest.raises(PermissionDenied):
        analyse_workspace(analysed, user="boss")
    monkeypatch.setenv("CURATION_USER", "boss")
    refused = run("difficulty", "tag", "-w", analysed.root, "--call", "angry", "--tag", "x")
    assert refused.exit_code != 0


def test_a_call_without_transcript_gets_audio_signals_and_a_note(analysed, tmp_path):
    from curation.difficulty.store import analyse_workspace, call_signals
    from curation.ingest.importer import ingest

    src = tmp_path / "audio_only"
    src.mkdir()
    write_call(src, "noscript", [*CALLS["angry"], Line("agent", "Ik verbind u door.")])
    (src / "noscript.json").unlink()
    outcome, = ingest(analysed, [src], "tester")
    assert outcome.status == "imported", outcome.line()
    summary = analyse_workspace(analysed, call_ids=[outcome.call_id])
    assert summary.analysed == 1 and not summary.failed
    info = call_signals(analysed, outcome.call_id)
    by_name = {s["name"]: s for s in info["signals"]}
    assert any("no transcript" in n for n in info["notes"])
    assert by_name["talk_balance"]["available"] and not by_name["abusive_language"]["available"]
    assert by_name["abusive_language"]["note"] == "no transcript"


def test_cli_weights_from_a_file(analysed, tmp_path):
    good = tmp_path / "trainer.toml"
    good.write_text("difficult_threshold = 90\n[signals]\ncall_length = 0.0\n")
    shown = json.loads(run("difficulty", "weights", "-w", analysed.root, "--file", good, "--format", "json").output)
    assert shown["difficult_threshold"] == 90 and shown["signals"]["call_length"] == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"signals": {"volume": 1}}')
    refused = run("difficulty", "weights", "-w", analysed.root, "--file", bad)
    assert refused.exit_code != 0 and "bad.json" in refused.output and "volume" in refused.output


# ---- one difficulty rule: what is stored, what the browser ranks and what the widget filters agree ----

def stored_scores(ws) -> dict:
    from sqlalchemy import select

    from curation.difficulty.tables import difficulty_scores

    with ws.engine.connect() as conn:
        return {r.call_id: (r.score, bool(r.difficult), r.categories)
                for r in conn.execute(select(difficulty_scores.c.call_id, difficulty_scores.c.score,
                                             difficulty_scores.c.difficult, difficulty_scores.c.categories))}


def browsed_scores(ws) -> dict:
    from curation.difficulty.browse import difficult_calls_frame

    frame = difficult_calls_frame(ws, all_calls=True)
    return {r.call_id: (r.score, bool(r.difficult), r.categories) for r in frame.itertuples()}


def test_stored_and_browsed_difficulty_agree_before_and_after_new_weights(analysed):
    from curation.difficulty.tags import save_weights

    before = stored_scores(analysed)
    assert before == browsed_scores(analysed)
    assert before["angry"][1] and not before["routine"][1]
    save_weights(analysed, {"abusive_language": 0.0, "complaint_language": 0.0, "difficult_threshold": 5.0})
    after = stored_scores(analysed)
    assert after == browsed_scores(analysed)
    assert after["angry"][0] < before["angry"][0]  # the stored scores were re-scored by the same rule


def test_the_call_browser_filters_through_the_librarys_rule(analysed):
    import pandas as pd

    from curation.difficulty.browse import difficult_calls_frame, filter_difficult
    from widgets.call_browser import CallBrowser

    browser = CallBrowser(analysed, user="tester")
    frame = difficult_calls_frame(analysed, all_calls=True)
    for difficult_only, min_score in ((True, 0.0), (False, 30.0), (True, 30.0), (False, 0.0)):
        browser.difficult_only.value, browser.min_score.value = difficult_only, min_score
        expected = filter_difficult(frame, min_score=min_score, difficult_only=difficult_only)
        assert list(browser.filtered()["call_id"]) == list(expected["call_id"])
    browser.difficult_only.value, browser.min_score.value = True, 0.0
    assert set(browser.filtered()["call_id"]) == {c for c, (_s, difficult, _c) in stored_scores(analysed).items()
                                                 if difficult}
    assert isinstance(browser.frame, pd.DataFrame)

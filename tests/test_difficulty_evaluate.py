"""`curation difficulty evaluate` on a small synthetic corpus: the contract and sane figures."""

from __future__ import annotations

import json

from click.testing import CliRunner

from curation.cli.main import cli


def test_evaluate_prints_ranking_and_category_figures(tmp_path):
    result = CliRunner().invoke(cli, ["difficulty", "evaluate", "--seeds", "7", "--calls", "6", "--corpus-dir",
                                      str(tmp_path), "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.output[result.output.index("{"):])
    assert report["calls"] == 6 and report["difficult_calls"] == 3
    assert report["roc_auc"] >= 0.9
    assert report["flagged_with_timed_evidence"] == report["flagged"] > 0
    assert set(report["categories"]) == {"escalation", "abusive", "confused_caller", "misunderstanding",
                                         "hard_to_understand", "unbalanced_conversation"}
    table = CliRunner().invoke(cli, ["difficulty", "evaluate", "--seeds", "7", "--calls", "6", "--corpus-dir",
                                     str(tmp_path)], catch_exceptions=False)
    assert "ROC AUC" in table.output and "precision@10" in table.output and "confused_caller" in table.output


def test_evaluate_refuses_bad_seeds():
    result = CliRunner().invoke(cli, ["difficulty", "evaluate", "--seeds", "een,twee"])
    assert result.exit_code != 0 and "--seeds" in result.output

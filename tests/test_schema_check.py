"""Compiled JSON Schema checks (`curation.schema_check`): where in the document and what is wrong."""

from __future__ import annotations

import copy

from curation.ingest.formats.project_json import SCHEMA_PATH
from curation.packs.manifest import SCHEMA_FILE
from curation.schema_check import problems

TRANSCRIPT = {"format": "curation-transcript", "version": 1, "language": "nl",
              "speakers": [{"label": "A", "role": "agent"}],
              "words": [{"text": "goedemiddag", "start": 0.0, "end": 0.6, "speaker": "A"}]}


def test_a_valid_transcript_has_no_problems():
    assert problems(SCHEMA_PATH, TRANSCRIPT) == []


def test_a_wrong_type_names_the_place_and_the_type():
    doc = copy.deepcopy(TRANSCRIPT)
    doc["words"][0]["start"] = "nul"
    assert problems(SCHEMA_PATH, doc) == [("words/0/start", "'nul' is not of type 'number'")]


def test_a_missing_property_is_named_at_the_top_level():
    doc = {k: v for k, v in TRANSCRIPT.items() if k != "words"}
    assert problems(SCHEMA_PATH, doc) == [("", "'words' is a required property")]


def test_a_wrong_constant_says_what_was_expected():
    assert problems(SCHEMA_PATH, {**TRANSCRIPT, "format": "other"}) == [("format", "'curation-transcript' was expected")]


def test_the_manifest_schema_compiles_and_names_a_missing_field():
    found = problems(SCHEMA_FILE, {"schema": "curation-pack-manifest"})
    assert ("", "'course' is a required property") in found


def test_every_problem_is_listed_in_document_order():
    doc = copy.deepcopy(TRANSCRIPT)
    doc["words"][0]["start"] = "nul"
    del doc["speakers"]
    assert problems(SCHEMA_PATH, doc) == [("", "'speakers' is a required property"),
                                          ("words/0/start", "'nul' is not of type 'number'")]


def test_a_valid_document_is_checked_without_loading_jsonschema():
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parent.parent
    script = ("import json, sys; from curation.schema_check import problems; "
              f"print(problems({str(SCHEMA_PATH)!r}, json.loads(sys.argv[1])), 'jsonschema' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", script, json.dumps(TRANSCRIPT)], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": f"{repo}:{repo / 'datasets'}"}, timeout=120)
    assert result.stdout.split() == ["[]", "False"], result.stderr[-1500:]

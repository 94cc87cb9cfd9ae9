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
    [(where, what)] = problems(SCHEMA_FILE, {"schema": "curation-pack-manifest"})
    assert where == "" and what.endswith("is a required property")

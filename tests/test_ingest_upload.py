"""What team mode sends to the curation service to import a call (`upload_files` -> `ingest_upload`):
the same call, metadata and consent facts as a local import of the same files and manifest."""

from __future__ import annotations

import pytest

from curation.catalogue import consent_fields, get_call
from curation.errors import ImportProblem
from curation.ingest import ingest, ingest_upload, plan_imports, upload_files
from curation.ingest.manifest import manifest_csv, read_manifest
from tests import fixtures

HEADER = ("call_id,audio,transcript,recorded_at,agent_id,customer_ref,topic,language,notice_played,notice_purposes,"
          "customer_objected,employee_informed,secret_recording,retention_until,minor,legal_basis\n")


def corpus(folder):
    """Two recordings in sub-folders, one transcript under another stem and folder, and a manifest."""
    (folder / "a").mkdir(parents=True)
    (folder / "b").mkdir()
    (folder / "texts").mkdir()
    fixtures.tone_audio(folder / "a" / "rec.wav")
    fixtures.project_json(folder / "a" / "rec.json")
    fixtures.tone_audio(folder / "b" / "rec.wav", sample_rate=16000)  # the same file name as a/rec.wav
    fixtures.project_json(folder / "texts" / "second.json")
    (folder / "manifest.csv").write_text(
        HEADER
        + "C-001,a/rec.wav,,2026-03-02T10:15:00,AG7,KL-12345,facturen,nl,true,quality;training,false,true,false,"
          "2027-03-02,,\n"
        + "C-002,b/rec.wav,texts/second.json,2026-03-03T09:00:00,AG8,,storing,nl,false,,true,,false,,true,"
          "toestemming\n")
    return folder


def test_a_manifest_row_written_back_reads_as_the_same_fields(tmp_path):
    rows, problems = read_manifest(corpus(tmp_path / "in") / "manifest.csv")
    assert not problems and len(rows) == 2
    for row in rows:
        again = tmp_path / "again.csv"
        again.write_bytes(manifest_csv(row.audio.name, row.transcript.name if row.transcript else None, row.fields))
        [back], bad = read_manifest(again)
        assert not bad and back.fields == row.fields
        assert back.audio == tmp_path / row.audio.name
    assert rows[1].fields["minor"] is True and "notice_purposes" not in rows[1].fields
    with pytest.raises(ValueError, match="not manifest columns: password"):
        manifest_csv("x.wav", None, {"password": "x"})


def test_an_upload_imports_the_call_with_its_manifest_row(workspace, tmp_path):
    folder = corpus(tmp_path / "in")
    items, problems = plan_imports([folder])
    assert not problems and [i.audio.parent.name for i in items] == ["a", "b"]
    sent = [upload_files(item) for item in items]
    # plain names only; the transcript of another stem and folder paired by the manifest; metadata carried
    assert sorted(sent[0]) == ["manifest.csv", "rec.json", "rec.wav"]
    assert sorted(sent[1]) == ["manifest.csv", "rec.wav", "second.json"]
    outcomes = [o for files in sent for o in ingest_upload(workspace, files, user="tester")]
    assert [(o.status, o.call_id, o.path) for o in outcomes] == [("imported", "C-001", "rec.wav"),
                                                                 ("imported", "C-002", "rec.wav")]
    first, second = get_call(workspace, "C-001"), get_call(workspace, "C-002")
    assert (first.agent_id, first.topic, first.recorded_at.day) == ("AG7", "facturen", 2)
    assert first.customer_ref_hash == workspace.keyed_hash("kl-12345 ")
    assert (second.agent_id, second.topic, second.customer_ref_hash) == ("AG8", "storing", None)
    assert second.transcript_format is not None  # second.json was paired although its stem differs
    consent = consent_fields(workspace, "C-001", user="admin")
    assert consent["notice_played"] is True and consent["notice_purposes"] == "quality;training"
    assert consent["retention_until"] == "2027-03-02"
    consent = consent_fields(workspace, "C-002", user="admin")
    assert consent["customer_objected"] is True and consent["notice_played"] is False
    assert consent["minor"] is True and consent["legal_basis"] == "toestemming"
    assert not list(workspace.tmp.glob("upload-*"))


def test_an_upload_too_large_or_unreadable_names_the_local_file(tmp_path, monkeypatch):
    from curation.ingest import importer

    folder = corpus(tmp_path / "in")
    [first, _] = plan_imports([folder])[0]
    monkeypatch.setattr(importer, "UPLOAD_LIMIT", 1000)
    with pytest.raises(ImportProblem, match=r"a/rec\.wav: \d+ bytes with its transcript; the curation service takes at most 1000"):
        upload_files(first)
    monkeypatch.undo()
    (folder / "a" / "rec.json").unlink()
    with pytest.raises(ImportProblem, match=r"rec\.json: cannot read file"):
        upload_files(importer.ImportItem(first.audio, folder / "a" / "rec.json"))


def test_hidden_files_in_a_folder_are_no_input(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    fixtures.tone_audio(folder / "rec.wav")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    (folder / ".cache").mkdir()
    fixtures.tone_audio(folder / ".cache" / "old.wav")
    items, problems = plan_imports([folder])
    assert [i.audio.name for i in items] == ["rec.wav"] and problems == []

"""`pack verify` proves the pack itself: one forged pack per smuggling route (each with captions,
player page and checksums redone so only the check under test can catch it), one malformed pack per
kind through the real CLI (exit 7, one line, no traceback), and a zip bomb."""

from __future__ import annotations

import json
import os
import stat
import time
import tracemalloc
import zipfile
import zlib

import pytest

from curation.packs import build_pack, verify_pack
from tests._clip_fixtures import approve_clip, prepared, run_cli
from tests._pack_fixtures import audio_clip, edit_json, forge, members, script_clip  # noqa: F401

COURSE = dict(title="Klachten de-escaleren", objectives=["Rustig blijven"], notes="Eerst luisteren.")
NAME_AND_PHONE = "Wilhelmina Dekker-Bos, bereikbaar op 06 41 78 23 95"  # invented for these tests


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    """A pack of an audio clip (c1) and a re-enactment clip (c2), and the bleeped-but-undisguised MP3
    of the same audio clip (anonymised again with voice method none, in a copy of the workspace)."""
    from curation.clips import anonymise_clip
    from curation.clips.store import load_anonymisation

    ws, clips = prepared(tmp_path_factory, tmp_path_factory.mktemp("verify-pack"))
    approve_clip(ws, clips["c1"])
    approve_clip(ws, clips["c2"])
    built = build_pack(ws, "week2", [clips["c1"], clips["c2"]], ws.root.parent / "week2.zip", user="trainer", **COURSE)
    ws.close()
    other, _ = prepared(tmp_path_factory, tmp_path_factory.mktemp("verify-undisguised"))
    assert anonymise_clip(other, clips["c1"], user="trainer", voice="none").ok
    with other.engine.connect() as conn:
        undisguised = (other.root / load_anonymisation(conn, clips["c1"])["files"]["audio_mp3"]["path"]).read_bytes()
    other.close()
    return built.path, undisguised


def test_the_built_pack_verifies(pack):
    result = verify_pack(pack[0])
    assert result.ok, result.problems
    assert result.checked["audio_files_checked"] == 1 and result.checked["transcripts_rescanned"] == 2


# ---- personal data smuggled in text: one route each ------------------------------------------------------

def _raw_phone(m, d):
    def change(doc):
        w = next(w for w in doc["words"] if w.get("redacted") == "PHONE_NUMBER")
        w["text"] = "0641782395."  # the flag still says redacted
    edit_json(d, audio_clip(m)["files"]["transcript_json"], change)


def _relabelled_english(m, d):
    def change(doc):
        doc["language"] = "en"
        w = next(w for w in doc["words"] if w.get("redacted") == "PHONE_NUMBER")
        w["text"] = "nul zes een vier zeven acht twee drie negen vijf"
        del w["redacted"]
    edit_json(d, audio_clip(m)["files"]["transcript_json"], change)
    audio_clip(m)["language"] = "en"


def _fake_placeholder(m, d):
    def change(doc):
        w = next(w for w in doc["words"] if w.get("redacted") == "PERSON")
        w["text"] = "[WILHELMINA] [DEKKER-BOS]"
    edit_json(d, audio_clip(m)["files"]["transcript_json"], change)


def _reviewed_name(m, d):
    def change(doc):
        w = next(w for w in doc["words"] if w.get("redacted") == "PERSON")
        w.update(text="Wilhelmina Dekker-Bos,", reviewed=True)
        del w["redacted"]
    edit_json(d, audio_clip(m)["files"]["transcript_json"], change)


def _script_name(m, d):
    path = script_clip(m)["files"]["script_md"]
    d[path] = d[path].replace(b"**Klant**", f"**Klant** ({NAME_AND_PHONE})".encode(), 1)


def _script_style_name(m, d):
    # the page's own style sheet is not scanned; anything else in a style element is
    path = script_clip(m)["files"]["script_html"]
    d[path] = d[path].replace(b"</style>", f"</style><style>/* {NAME_AND_PHONE} */</style>".encode(), 1)


def _report_warning(m, d):
    edit_json(d, audio_clip(m)["files"]["anonymisation_report"],
              lambda doc: doc.update(warnings=[f"klant {NAME_AND_PHONE} sprak zacht"]))


def _extra_file(m, d):
    d["extra/bijlage.txt"] = f"Terugbellen: {NAME_AND_PHONE}\n".encode()


def _notes(m, d):
    d["notes.md"] = f"Bel {NAME_AND_PHONE} na de les.\n".encode()


SMUGGLING = {
    "index.html": (None, lambda m, d: d.update({"index.html": d["index.html"].replace(
        b"</body>", f"<p>{NAME_AND_PHONE}</p></body>".encode())}), False, "index.html"),
    "extra listed file": (None, _extra_file, True, "extra/bijlage.txt: contains personal data"),
    "anonymisation report": (None, _report_warning, True, "anonymisation.json: contains personal data"),
    "pack name": (lambda m: m.update(name=NAME_AND_PHONE), None, True, "manifest name: contains personal data"),
    "consent reason": (lambda m: audio_clip(m)["consent"].update(reason=f"{NAME_AND_PHONE} stemde toe"), None, True,
                       "consent/reason: contains personal data"),
    "categories": (lambda m: audio_clip(m).update(categories=[NAME_AND_PHONE]), None, True,
                   "categories/0: contains personal data"),
    "clip title": (lambda m: audio_clip(m).update(title=f"Gesprek met {NAME_AND_PHONE}"), None, True,
                   "title: contains personal data"),
    "course title": (lambda m: m["course"].update(title=f"Cursus {NAME_AND_PHONE}"), None, True,
                     "course/title: contains personal data"),
    "objective": (lambda m: m["course"].update(learning_objectives=[f"Bel {NAME_AND_PHONE}"]), None, True,
                  "learning_objectives/0: contains personal data"),
    "trainer notes": (None, _notes, True, "notes.md: contains personal data"),
    "word flagged redacted": (None, _raw_phone, True, "in words flagged redacted or reviewed"),
    "transcript relabelled English": (None, _relabelled_english, True, "PHONE_NUMBER"),
    "bracketed name": (None, _fake_placeholder, True, "transcript holds 1 span(s) of personal data (PERSON)"),
    "word flagged reviewed": (None, _reviewed_name, True, "in words flagged redacted or reviewed"),
    "re-enactment script": (None, _script_name, True, "script.md: contains personal data"),
    "re-enactment script style": (None, _script_style_name, True, "script.html: contains personal data"),
}


@pytest.mark.parametrize("route", list(SMUGGLING))
def test_personal_data_smuggled_into_the_pack_is_found(pack, tmp_path, route):
    manifest, files, rederive, fragment = SMUGGLING[route]
    forged = _forge(pack[0], tmp_path / "forged.zip", manifest, files, rederive)
    result = verify_pack(forged, check_audio=False)
    assert not result.ok and any(fragment in p for p in result.problems), result.problems


def _forge(src, dst, manifest, files, rederive):
    """`forge` with file changes that may look at the manifest too."""
    seen = {}
    return forge(src, dst, manifest=lambda m: (seen.update(m=m), manifest and manifest(m)),
                 files=(lambda d: files(seen["m"], d)) if files else None, rederive=rederive)


def test_reviewer_decisions_count_only_when_the_workspace_vouches(pack, tmp_path):
    """A word a reviewer judged not personal is accepted when the build verifies its own bytes
    (`trust_reviewed`), never on the pack's word alone."""
    forged = _forge(pack[0], tmp_path / "f.zip", None, _reviewed_name, True)
    assert not verify_pack(forged, check_audio=False).ok
    assert verify_pack(forged, check_audio=False, trust_reviewed=True).ok


# ---- audio: voices and bleeps recomputed, not read from the report -----------------------------------------

def test_bleeped_but_undisguised_audio_fails_only_on_the_voice_check(pack, tmp_path, monkeypatch, capsys):
    path, undisguised = pack

    def swap(m, d):
        d[audio_clip(m)["files"]["audio_mp3"]] = undisguised

    forged = _forge(path, tmp_path / "voice.zip", None, swap, True)
    result = verify_pack(forged)
    assert len(result.problems) == 1, result.problems
    assert "voice is not the disguised voice the build measured" in result.problems[0]
    code, out, err = run_cli(monkeypatch, capsys, "pack", "verify", forged)
    assert code == 7 and err.count("\n") == 1 and "voice is not the disguised voice" in err


def test_a_report_claiming_no_disguise_or_no_profile_fails(pack, tmp_path):
    report = lambda m: audio_clip(m)["files"]["anonymisation_report"]  # noqa: E731
    none = _forge(pack[0], tmp_path / "a.zip", None, lambda m, d: edit_json(
        d, report(m), lambda doc: doc["voice"].update(method="none")), True)
    assert any("voices not disguised (voice method 'none')" in p for p in verify_pack(none).problems)
    blank = _forge(pack[0], tmp_path / "b.zip", None, lambda m, d: edit_json(
        d, report(m), lambda doc: doc["voice"].update(profile={})), True)
    assert any("records no voice profile" in p for p in verify_pack(blank).problems)


def test_bleeps_are_checked_where_the_words_were_redacted_even_if_the_report_lists_none(pack, tmp_path):
    """The report's list of redactions is emptied and the audio under the redacted phone number is
    replaced by the speech before it: the words still say what was redacted, so it is found."""
    import io

    import numpy as np
    import soundfile as sf

    from curation.audio import read

    def unbleep(m, d):
        c = audio_clip(m)
        words = json.loads(d[c["files"]["transcript_json"]])["words"]
        phone = next(w for w in words if w.get("redacted") == "PHONE_NUMBER")
        edit_json(d, c["files"]["anonymisation_report"], lambda doc: doc.update(redactions=[]))
        tmp = tmp_path / "in.mp3"
        tmp.write_bytes(d[c["files"]["audio_mp3"]])
        x, sr = read(tmp)
        a, b = int(phone["start"] * sr), int(phone["end"] * sr)
        x[a:b] = np.resize(x[int(4.1 * sr):int(5.9 * sr)], (b - a, x.shape[1]))  # speech pasted over the bleep
        buf = io.BytesIO()
        sf.write(buf, x, sr, format="WAV")
        wav = tmp_path / "out.wav"
        wav.write_bytes(buf.getvalue())
        os.system(f"ffmpeg -loglevel error -y -i {wav} -b:a 64k {tmp_path / 'out.mp3'}")
        d[c["files"]["audio_mp3"]] = (tmp_path / "out.mp3").read_bytes()

    result = verify_pack(_forge(pack[0], tmp_path / "bleep.zip", None, unbleep, True), rescan_pii=False)
    assert any("redacted stretch(es) hold sound besides the bleep" in p for p in result.problems), result.problems


def test_audio_that_belongs_to_no_clip_is_refused(pack, tmp_path):
    forged = _forge(pack[0], tmp_path / "x.zip", None, lambda m, d: d.update({"extra/original.mp3": pack[1]}), True)
    assert any("audio that belongs to no clip" in p for p in verify_pack(forged).problems)


# ---- archives that try to escape, hide or explode ---------------------------------------------------------

def _with_entry(src, dst, info, data):
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for i in zin.infolist():
            zout.writestr(i, zin.read(i))
        zout.writestr(info, data)
    return dst


@pytest.mark.parametrize("name, data, fragment", [
    ("clips/inner.zip", b"PK\x05\x06" + b"\0" * 18, "nested archive"),
    ("clips/inner.bin", b"PK\x03\x04" + b"\0" * 40, "nested archive"),
    ("manifest.json", b"{}", "appears more than once"),
    ("../escape.txt", b"x", "path leaves the pack"),
    ("/etc/cron.d/x", b"x", "absolute path"),
])
def test_archive_tricks_are_refused(pack, tmp_path, name, data, fragment):
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name it is told to write
        bad = _with_entry(pack[0], tmp_path / "bad.zip", zipfile.ZipInfo(name), data)
    result = verify_pack(bad)
    assert not result.ok and fragment in result.problems[0], result.problems


def test_a_symlink_entry_is_refused(pack, tmp_path):
    link = zipfile.ZipInfo("clips/link")
    link.create_system, link.external_attr = 3, (stat.S_IFLNK | 0o777) << 16
    assert "symbolic link" in verify_pack(_with_entry(pack[0], tmp_path / "l.zip", link, b"/etc")).problems[0]


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """1 GiB of zeros deflated into about 1 MB (entry listed in the headers with its true size)."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    block = b"\0" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)  # self-contained: repeatable as is
    body = chunk * 1024 + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(block, crc)
    _raw_entry(path, body, crc, 1 << 30)
    return path


def _raw_entry(path, body: bytes, crc: int, size: int, name: str = "clips/transcript.json") -> None:
    """Rewrite `path` as manifest.json plus one deflated entry with the given raw body and headers."""
    import struct

    entries = [("manifest.json", zlib.compress(b"{}")[2:-4], zlib.crc32(b"{}"), 2), (name, body, crc, size)]
    out, central, offset = bytearray(), bytearray(), 0
    for fname, data, c, usize in entries:
        n = fname.encode()
        local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, c, len(data), min(usize, 0xFFFFFFFF),
                            len(n), 0) + n
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, c, len(data),
                               min(usize, 0xFFFFFFFF), len(n), 0, 0, 0, 0, 0, offset) + n
        out += local + data
        offset += len(local) + len(data)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(central), offset, 0)
    path.write_bytes(bytes(out + central + end))


def test_a_zip_bomb_is_refused_quickly_with_bounded_memory(bomb):
    assert bomb.stat().st_size < 2 << 20
    tracemalloc.start()
    t0 = time.perf_counter()
    result = verify_pack(bomb)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert not result.ok and "zip bomb" in result.problems[0], result.problems
    assert peak < 64 << 20, peak  # a generous bound; reading the entry would take 1 GiB
    assert elapsed < 30  # not a timing target: only that it does not inflate the gigabyte


def test_a_header_that_understates_the_size_is_caught_while_streaming(tmp_path):
    """The headers claim 1000 bytes for an entry that inflates to 64 MiB: reading stops at the
    declared size, so the rest is never inflated, and the checksum of the whole shows it damaged."""
    block = b"\0" * (1 << 20)
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = comp.compress(block) + comp.flush(zlib.Z_FULL_FLUSH)
    body = chunk * 64 + zlib.compressobj(9, zlib.DEFLATED, -15).flush()
    crc = 0
    for _ in range(64):
        crc = zlib.crc32(block, crc)
    path = tmp_path / "liar.zip"
    _raw_entry(path, body, crc, 1000, name="clips/x.json")
    result = verify_pack(path)
    assert not result.ok and "clips/x.json: damaged entry" in result.problems[0], result.problems


# ---- malformed packs: exit 7 and one line through the real CLI, never a traceback --------------------------

def _manifest_bytes(raw: bytes):
    return lambda src, dst: _replace(src, dst, "manifest.json", raw)


def _replace(src, dst, name, raw):
    d = members(src)
    d[name] = raw
    with zipfile.ZipFile(dst, "w") as zf:
        for p, b in d.items():
            zf.writestr(p, b)
    return dst


def _manifest_edit(change):
    def make(src, dst):
        d = members(src)
        m = json.loads(d["manifest.json"])
        change(m)
        return _replace(src, dst, "manifest.json", json.dumps(m).encode())
    return make


def _transcript(raw: bytes):
    """The audio clip's transcript replaced (checksums fixed, so only its own shape is wrong)."""
    def make(src, dst):
        def files(m, d):
            d[audio_clip(m)["files"]["transcript_json"]] = raw
        return _forge(src, dst, None, files, rederive=False)
    return make


def _truncated(src, dst):
    dst.write_bytes(src.read_bytes()[: src.stat().st_size // 2])
    return dst


def _crc_damaged(src, dst):
    d = members(src)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_STORED) as zf:
        for p, b in d.items():
            zf.writestr(p, b)
    raw = bytearray(dst.read_bytes())
    at = raw.index(b"WEBVTT")  # the captions are stored uncompressed: flip one byte of them
    raw[at] ^= 0x01
    dst.write_bytes(bytes(raw))
    return dst


def _bzip2(src, dst):
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_BZIP2) as zf:
        for p, b in members(src).items():
            zf.writestr(p, b)
    return dst


MALFORMED = {
    "not a zip": (lambda src, dst: (dst.write_bytes(b"%PDF-1.4 not a pack"), dst)[1], "not a zip file"),
    "empty file": (lambda src, dst: (dst.write_bytes(b""), dst)[1], "not a zip file"),
    "truncated zip": (_truncated, "not a zip file, or truncated"),
    "missing manifest": (lambda src, dst: _replace(src, dst, "other.json", b"{}") and _drop(dst, "manifest.json"),
                         "no manifest.json"),
    "manifest not JSON": (_manifest_bytes(b"{not json"), "manifest.json is not JSON"),
    "manifest bad UTF-8": (_manifest_bytes(b'{"name": "\xff\xfe"}'.replace(b"\\xff\\xfe", b"\xff\xfe")),
                           "manifest.json is not UTF-8 text"),
    "manifest a list": (_manifest_bytes(b"[1, 2]"), "manifest.json is not a JSON object"),
    "manifest NaN": (_manifest_bytes(b'{"schema_version": NaN}'), "NaN is not a JSON number"),
    "wrong schema": (_manifest_edit(lambda m: m.pop("course")), "'course' is a required property"),
    "wrong types": (_manifest_edit(lambda m: m.update(clips="all of them")), "is not of type 'array'"),
    "transcript not JSON": (_transcript(b"<xml/>"), "transcript JSON is not JSON"),
    "transcript bad UTF-8": (_transcript(b'{"words": "\xff"}'.replace(b"\\xff", b"\xff")), "is not UTF-8 text"),
    "transcript wrong types": (_transcript(json.dumps({"clip_id": "x", "words": [{"text": 1}]}).encode()),
                               "does not belong to this clip"),
    "word without times": (None, "has no valid start time"),
    "checksum mismatch": (lambda src, dst: _replace(src, dst, "notes.md", b"changed\n"), "notes.md: checksum mismatch"),
    "damaged entry (CRC)": (_crc_damaged, "damaged entry"),
    "unsupported compression": (_bzip2, "compression method 12 not allowed"),
}


def _drop(path, name):
    d = members(path)
    d.pop(name, None)
    with zipfile.ZipFile(path, "w") as zf:
        for p, b in d.items():
            zf.writestr(p, b)
    return path


def _word_without_times(src, dst):
    def files(m, d):
        c = audio_clip(m)
        edit_json(d, c["files"]["transcript_json"], lambda doc: doc["words"][0].pop("start"))
    return _forge(src, dst, None, files, rederive=False)


MALFORMED["word without times"] = (_word_without_times, "has no valid start time")


@pytest.mark.parametrize("kind", list(MALFORMED))
def test_a_malformed_pack_is_refused_in_one_line(pack, tmp_path, monkeypatch, capsys, kind):
    make, fragment = MALFORMED[kind]
    bad = make(pack[0], tmp_path / "bad.zip")
    code, out, err = run_cli(monkeypatch, capsys, "pack", "verify", bad)
    assert code == 7, (code, out, err)
    assert err.count("\n") == 1 and err.startswith(f"error: {bad}: ") and "Traceback" not in err, err
    assert fragment in err, err

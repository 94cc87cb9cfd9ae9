"""The content checks of `verify_pack`: personal data in every text, bleeps and disguised voices in
every clip's audio, each recomputed from the pack's words and audio rather than read from its flags.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

from curation.consent.script_render import CSS as SCRIPT_PAGE_CSS
from curation.packs import manifest as mf
from curation.packs import textscan
from curation.packs.archive import AUDIO_SUFFIXES
from curation.packs.results import Malformed, PackVerification, text_of

SKIP_MANIFEST_KEYS = ("sha256", "pack_id", "files", "schema", "schema_version", "player", "notes", "duration",
                      "media", "decision", "language")  # the last three: enums or a checked code
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}(-[A-Z]{2})?$")
SCRIPT_PAGE_STYLE = f"<style>{SCRIPT_PAGE_CSS}</style>"  # the re-enactment script page's own style sheet


def check_text(manifest: dict, data: dict[str, bytes], docs: dict, result: PackVerification,
               trust_reviewed: bool) -> None:
    """Every text file of the pack and every string of the manifest, scanned in Dutch and English."""
    refs = {}
    for clip in manifest["clips"]:
        refs.update({ref: (clip, kind) for kind, ref in clip["files"].items()})
    scanned = 0
    for clip in manifest["clips"]:
        _transcript_pii(clip, docs[clip["id"]], result, trust_reviewed)
        scanned += 1
    result.checked["transcripts_rescanned"] = scanned
    for clip in manifest["clips"]:
        if not LANGUAGE_CODE.match(clip["language"]):
            result.add(f"manifest clip {clip['id']}: language {clip['language'][:20]!r} is not a language code")
    for where, text in _manifest_texts(manifest):
        found = textscan.scan(text)
        if found:
            result.add(f"manifest {where}: contains personal data ({textscan.kinds(found)})")
    for path in sorted(data):
        if path.lower().endswith(AUDIO_SUFFIXES) or path == mf.MANIFEST_SCHEMA:
            continue  # audio is checked by listening; the schema is compared byte for byte
        clip, kind = refs.get(path, (None, None))
        if kind in ("transcript_json", "transcript_vtt"):
            continue  # the words were scanned above; the captions are derived from them byte for byte
        text = text_of(data[path], path)
        if kind in ("script_md", "script_html"):
            if kind == "script_html":
                # the page's own style sheet, byte for byte, is no text of the call ("'Times New Roman'"
                # reads as a name); any other style or script body is scanned like the rest
                text = textscan.html_text(text.replace(SCRIPT_PAGE_STYLE, "<style></style>", 1))
            found = textscan.scan(text, textscan.script_fills(text, docs[clip["id"]]["words"]))
        elif kind == "anonymisation_report":
            found = textscan.scan_parts(textscan.json_strings(_json_or_text(text), skip_keys=("profile",)))
        elif path == manifest["player"]:
            # the page is byte-equal to the one the manifest and transcripts give (checked before), and
            # its scripts carry those transcripts' words: its readable text and attributes are scanned
            found = textscan.scan_parts(textscan.html_parts(text, code=False))
        elif path.lower().endswith((".html", ".htm")):
            found = textscan.scan_parts(textscan.html_parts(text))
        elif path.lower().endswith(".json"):
            found = textscan.scan_parts(textscan.json_strings(_json_or_text(text)))
        else:
            found = textscan.scan(text)
        if found:
            result.add(f"{path}: contains personal data ({textscan.kinds(found)})")
    result.checked["text_files_scanned"] = True


def _json_or_text(text: str):
    import json

    try:
        return json.loads(text)
    except ValueError:
        return text


def _manifest_texts(manifest: dict) -> list[tuple[str, str]]:
    """(where, text) for every string the manifest holds outside checksums, ids of the format and paths."""
    out = []

    def walk(value, where):
        if isinstance(value, str):
            out.append((where, (value.replace("/", " ").replace("_", " "))
                        if where.endswith(("id", "path")) else value))
        elif isinstance(value, dict):
            for k, v in value.items():
                if k not in SKIP_MANIFEST_KEYS:
                    walk(v, f"{where}/{k}" if where else k)
        elif isinstance(value, list):
            for n, v in enumerate(value):
                walk(v, f"{where}/{n}")
    walk(manifest, "")
    for clip in manifest["clips"]:
        for kind, ref in clip["files"].items():
            out.append((f"clip {clip['id']} {kind} path", (ref.replace("/", " ").replace("_", " "))))
    return out


def _transcript_pii(clip: dict, doc: dict, result: PackVerification, trust_reviewed: bool) -> None:
    words = doc["words"]
    text, offsets = textscan.words_text(words)
    found = textscan.scan(text)
    unresolved, reviewed = [], 0
    for f in found:
        hit = [k for k, (a, b) in enumerate(offsets) if a < f.end and b > f.start]
        if trust_reviewed and hit and all(words[k].get("reviewed") is True and not words[k].get("redacted")
                                          for k in hit):
            reviewed += 1
            continue
        unresolved.append((f, hit))
    if unresolved:
        f, hit = unresolved[0]
        at = words[hit[0]]["start"] if hit else 0.0
        flagged = sum(1 for _f, h in unresolved if any(words[k].get("redacted") or words[k].get("reviewed")
                                                        for k in h))
        note = f"; {flagged} of them in words flagged redacted or reviewed" if flagged else ""
        result.add(f"clip {clip['id']}: transcript holds {len(unresolved)} span(s) of personal data "
                   f"({textscan.kinds([u[0] for u in unresolved])}) at {at:.2f}s{note}")
    other = textscan.json_strings({k: v for k, v in doc.items() if k not in ("words", "clip_id")})
    found = textscan.scan_parts(other)
    if found:
        result.add(f"clip {clip['id']}: transcript JSON fields contain personal data ({textscan.kinds(found)})")


def check_audio(manifest: dict, data: dict[str, bytes], docs: dict, result: PackVerification) -> None:
    """Audio clips: disguised voices (measured), and every redacted word bleeped in the audio."""
    from curation.audio import read

    checked = 0
    for clip in manifest["clips"]:
        if clip["media"] != "audio":
            continue
        files = clip["files"]
        if "anonymisation_report" not in files:
            result.add(f"clip {clip['id']}: no anonymisation report: its voices and bleeps cannot be checked")
            continue
        from curation.packs.results import _json

        report = _json(data[files["anonymisation_report"]], f"clip {clip['id']}: anonymisation report")
        if not isinstance(report, dict):
            raise Malformed(f"clip {clip['id']}: anonymisation report is not a JSON object")
        words = docs[clip["id"]]["words"]
        with tempfile.TemporaryDirectory(prefix="packverify-") as tmp:
            for kind in ("audio_mp3", "audio_wav"):
                if kind not in files:
                    continue
                audio = Path(tmp) / f"audio{Path(files[kind]).suffix}"
                audio.write_bytes(data[files[kind]])
                try:
                    samples, sr = read(audio)
                except Exception as exc:
                    raise Malformed(f"{files[kind]}: not readable audio ({type(exc).__name__})") from None
                _check_voices(clip, kind, report, samples, sr, words, result)
                _check_bleeps(clip, kind, report, audio, samples, sr, words, result)
                checked += 1
    result.checked["audio_files_checked"] = checked


def _check_voices(clip, kind, report, samples, sr, words, result: PackVerification) -> None:
    from curation.anonymise.voicecheck import BANDS, disagreements, profile

    voice = report.get("voice")
    method = voice.get("method") if isinstance(voice, dict) else None
    if method not in ("default", "pitch"):
        result.add(f"clip {clip['id']}: voices not disguised (voice method {method!r})")
        return
    recorded = voice.get("profile")
    if not isinstance(recorded, dict) or not recorded:
        result.add(f"clip {clip['id']}: the report records no voice profile, so the disguise cannot be checked")
        return
    for role, p in recorded.items():
        f0, env = (p.get("median_f0_hz"), p.get("envelope_db")) if isinstance(p, dict) else (0, 0)
        ok_f0 = f0 is None or (isinstance(f0, (int, float)) and not isinstance(f0, bool) and 20 < f0 < 2000)
        ok_env = env is None or (isinstance(env, list) and len(env) == BANDS
                                 and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in env))
        if not (ok_f0 and ok_env):
            raise Malformed(f"clip {clip['id']}: anonymisation report voice profile of {role!r} is malformed")
    measured = profile(samples, sr, words)
    problems = disagreements(recorded, measured)
    problems += [f"{role}: speaks in the audio but the report has no profile of this voice"
                 for role in sorted(set(measured) - set(recorded))]
    if problems:
        result.add(f"clip {clip['id']}: {kind} voice is not the disguised voice the build measured: {problems[0]}"
                   + (f" (+{len(problems) - 1} more)" if len(problems) > 1 else ""))


def _role_channels(samples, sr, words) -> dict[str, list[int]]:
    """Each role's channels, from where its unredacted words are loud (not from the report)."""
    import numpy as np

    from curation.anonymise.voicecheck import role_segments

    if samples.ndim == 1 or samples.shape[1] == 1:
        return {}
    out = {}
    for role, ranges in role_segments(words, len(samples) / sr).items():
        x = np.concatenate([samples[int(a * sr): int(b * sr)] for a, b in ranges])
        if len(x) == 0:
            continue
        level = 10 * np.log10(np.mean(np.square(x), axis=0) + 1e-12)
        out[role] = [int(c) for c in np.flatnonzero(level >= level.max() - 15.0)]
    return out


def _verify_intervals(audio: Path, samples, sr: int, checks: list[dict], mode: str) -> list:
    """`anonymise.verify_file`'s test of each interval, on the samples decoded once (not once per interval)."""
    from curation.anonymise.bleep import tone_frequency
    from curation.anonymise.verify import (DECODED_THRESHOLD_DBFS, PCM_THRESHOLD_DBFS, Verification,
                                           codec_guard_seconds, verify_interval)
    from curation.anonymise.verify_file import LOSSLESS_CODECS
    from curation.audio import probe

    codec = probe(audio).codec.lower()
    lossless = codec in LOSSLESS_CODECS
    threshold = PCM_THRESHOLD_DBFS if lossless else DECODED_THRESHOLD_DBFS
    guard = 0.0 if lossless else codec_guard_seconds(codec, sr)
    tone_hz = tone_frequency(sr) if mode == "tone" else None
    data = samples if samples.ndim == 2 else samples[:, None]
    out = []
    for c in checks:
        start, end = c["start"] + guard, c["end"] - guard
        if end - start < 0.01:  # too short to clear the codec's smearing: its middle 10 ms (fail-safe)
            mid = (c["start"] + c["end"]) / 2
            start, end = mid - 0.005, mid + 0.005
        a, b = max(0, int(round(start * sr))), min(len(data), int(round(end * sr)))
        worst = [verify_interval(data[a:b, ch], sr, 0, tone_hz, threshold)
                 for ch in c["channels"] if ch < data.shape[1]] if b > a else []
        out.append(Verification(bool(worst) and all(v.ok for v in worst),
                                max((v.residual_dbfs for v in worst), default=float("nan"))))
    return out


def _check_bleeps(clip, kind, report, audio: Path, samples, sr, words, result: PackVerification) -> None:
    """Every placeholder word lies in an interval that holds only the bleep, on its speaker's channels
    (found from the audio, not from the report); the report's other intervals are checked as listed."""

    listed = report.get("redactions") or []
    if not isinstance(listed, list):
        raise Malformed(f"clip {clip['id']}: anonymisation report redactions are not a list")
    intervals = []
    for r in listed:
        if not isinstance(r, dict) or not all(isinstance(r.get(k), (int, float)) for k in ("start", "end")):
            raise Malformed(f"clip {clip['id']}: anonymisation report has a malformed redaction")
        named = r.get("channels")
        valid = isinstance(named, list) and named and all(isinstance(c, int) and not isinstance(c, bool) for c in named)
        intervals.append({"start": float(r["start"]), "end": float(r["end"]), "channels": named if valid else None})
    channels = _role_channels(samples, sr, words)
    n_channels = 1 if samples.ndim == 1 else samples.shape[1]
    known = textscan.known_placeholders()
    checks = []
    for w in words:
        if w["text"].rstrip(".,?!;:") not in known:
            continue
        cover = next((i for i in intervals if i["start"] <= w["start"] + 0.02 and i["end"] >= w["end"] - 0.02), None)
        span = cover or {"start": w["start"], "end": w["end"]}
        checks.append({"start": span["start"], "end": span["end"],
                       "channels": channels.get(w["speaker"]) or list(range(n_channels))})
    checks += [dict(i, channels=i["channels"] or list(range(n_channels))) for i in intervals
               if not any(c["start"] == i["start"] and c["end"] == i["end"] for c in checks)]
    if not checks:
        return
    mode = (report.get("bleep") or {}).get("mode") if isinstance(report.get("bleep"), dict) else None
    results = _verify_intervals(audio, samples, sr, checks, mode if mode in ("tone", "silence") else "tone")
    bad = [c for c, v in zip(checks, results) if not v.ok]
    if bad:
        result.add(f"clip {clip['id']}: {kind}: {len(bad)} redacted stretch(es) hold sound besides the bleep "
                   f"(first at {bad[0]['start']:.2f}s)")

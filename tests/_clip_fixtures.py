"""A small synthetic Dutch call with personal data (invented), imported into a workspace,
plus users for every role: the material the clip, review and pack tests work on."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import soundfile as sf

from tests.fixtures import project_json
from tests.pg import copy_workspace

# (speaker, start, end, text): a customer gives a (fictional) name and phone number
CALL = [
    ("agent", 0.20, 0.70, "Goedemiddag,"), ("agent", 0.75, 1.10, "met"), ("agent", 1.15, 1.60, "Sanne,"),
    ("agent", 1.65, 2.10, "waarmee"), ("agent", 2.15, 2.40, "kan"), ("agent", 2.45, 2.65, "ik"),
    ("agent", 2.70, 3.10, "helpen?"),
    ("customer", 3.60, 3.80, "Ja,"), ("customer", 3.85, 4.05, "u"), ("customer", 4.10, 4.50, "spreekt"),
    ("customer", 4.55, 4.80, "met"), ("customer", 4.85, 5.20, "Jan"), ("customer", 5.25, 5.40, "de"),
    ("customer", 5.45, 5.90, "Vries,"), ("customer", 5.95, 6.05, "en"), ("customer", 6.08, 6.20, "mijn"), ("customer", 6.25, 7.00, "telefoonnummer"),
    ("customer", 7.05, 7.20, "is"), ("customer", 7.25, 7.55, "06"), ("customer", 7.60, 8.20, "12345678."),
    ("customer", 8.40, 8.60, "Ik"), ("customer", 8.65, 8.90, "ben"), ("customer", 8.95, 9.20, "heel"),
    ("customer", 9.25, 9.70, "boos"), ("customer", 9.75, 9.95, "over"), ("customer", 10.00, 10.20, "de"),
    ("customer", 10.25, 10.80, "rekening."),
    ("agent", 11.20, 11.50, "Dat"), ("agent", 11.55, 11.90, "begrijp"), ("agent", 11.95, 12.10, "ik,"),
    ("agent", 12.15, 12.40, "ik"), ("agent", 12.45, 12.80, "kijk"), ("agent", 12.85, 13.00, "even"),
    ("agent", 13.05, 13.40, "mee."),
]
DURATION = 14.0
USERS = {"trainer": "trainer", "trainer2": "trainer", "reviewer": "privacy_reviewer",
         "reviewer2": "privacy_reviewer", "manager": "manager"}


def speech_like_audio(path: Path, seed: int, sample_rate: int = 8000) -> Path:
    """Stereo 8 kHz: a harmonic tone with a wobbling pitch under every word (agent left, customer
    right); `seed` varies the pitches so every call has its own bytes."""
    rng = np.random.default_rng(seed)
    n = int(DURATION * sample_rate)
    data = np.zeros((n, 2), dtype=np.float32)
    for speaker, start, end, _ in CALL:
        ch = 0 if speaker == "agent" else 1
        a, b = int(start * sample_rate), int(end * sample_rate)
        t = np.arange(b - a) / sample_rate
        f0 = (140.0 if ch == 0 else 210.0) * (1 + 0.1 * rng.random())
        phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.05 * np.sin(2 * np.pi * 3 * t))) / sample_rate
        burst = sum(0.3 / k * np.sin(k * phase) for k in range(1, 6))
        data[a:b, ch] += (burst * np.hanning(b - a)).astype(np.float32)
    sf.write(path, data, sample_rate, subtype="PCM_16")
    return path


def make_call(folder: Path, stem: str = "call1", seed: int | None = None) -> Path:
    """The synthetic call as `stem`.wav + .json; `seed` (default: from the stem's letters) sets its bytes."""
    folder.mkdir(parents=True, exist_ok=True)
    speech_like_audio(folder / f"{stem}.wav", seed=sum(map(ord, stem)) if seed is None else seed)
    project_json(folder / f"{stem}.json", words=CALL)
    return folder


def populate(ws, tmp: Path, stems=("call1",)) -> list[str]:
    """Users for every role and the synthetic calls imported; returns the call ids."""
    from curation.catalogue import call_ids
    from curation.ingest import ingest
    from curation.roles import add_user, list_users

    for name, role in USERS.items():
        if (name, role) not in list_users(ws, user="admin"):
            add_user(ws, name, role, user="admin")
    for stem in stems:
        make_call(tmp / "calls" / stem, stem)
    manifest = write_manifest(tmp / "calls", stems)
    outcomes = ingest(ws, [tmp / "calls"], actor="admin", manifest=manifest)
    assert all(o.status != "failed" for o in outcomes), [o.message for o in outcomes]
    return call_ids(ws, user="admin")


# consent situations per call stem (manifest columns); call1 allows training use
CONSENT = {
    "call1": dict(notice_played="true", notice_purposes="quality;training", customer_objected="false",
                  employee_informed="true", secret_recording="false"),
    "call2": dict(notice_played="false", notice_purposes="", customer_objected="false",
                  employee_informed="true", secret_recording="false"),
    "call3": dict(notice_played="true", notice_purposes="quality;training", customer_objected="false",
                  employee_informed="true", secret_recording="true"),
}


def write_manifest(folder: Path, stems) -> Path:
    import csv

    from curation.ingest.manifest import COLUMNS

    path = folder / "manifest.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS)
        w.writeheader()
        for stem in stems:
            w.writerow({"call_id": stem, "audio": f"{stem}/{stem}.wav", "transcript": f"{stem}/{stem}.json",
                        "recorded_at": "2026-01-05T10:00:00", "agent_id": "A17", "customer_ref": f"K-{stem}",
                        "topic": "facturen", "language": "nl", "retention_until": "2030-01-01",
                        **CONSENT.get(stem, CONSENT["call1"])})
    return path


# ---- a prepared workspace, built once per test session and copied for every test -----------------

_TEMPLATE: dict = {}


def template(tmp_path_factory) -> tuple[Path, dict]:
    """A workspace with users, calls call1 (training allowed), call2 (re-enactment only), call3
    (excluded), and one anonymised draft clip of each: built once, then only copied."""
    if "root" not in _TEMPLATE:
        from curation.clips import anonymise_clip, create_clip
        from curation.roles import add_user
        from curation.workspace import Workspace

        base = tmp_path_factory.mktemp("clip-template")
        ws = Workspace.create(base / "ws")
        add_user(ws, "admin", "admin", user="admin")
        populate(ws, base, stems=("call1", "call2", "call3"))
        clips = {}
        for key, call in (("c1", "call1"), ("c2", "call2"), ("c3", "call3")):
            clip = create_clip(ws, call, 0.0, 11.0, title="Boze klant over de rekening", snap="word", user="trainer")
            result = anonymise_clip(ws, clip.id, user="trainer", voice="none" if key == "c3" else "default")
            assert result.ok, result.blocked_reason
            clips[key] = clip.id
        ws.close()
        _TEMPLATE.update(root=base / "ws", clips=clips)
    return _TEMPLATE["root"], dict(_TEMPLATE["clips"])


def prepared(tmp_path_factory, tmp_path):
    """A fresh copy of the template workspace: (ws, {"c1": clip id, "c2": ..., "c3": ...})."""
    from curation.workspace import Workspace

    root, clips = template(tmp_path_factory)
    copy_workspace(root, tmp_path / "ws")
    return Workspace.open(tmp_path / "ws"), clips


def listen_whole(ws, clip_id: str, user: str = "reviewer"):
    """`user` plays the clip's whole anonymised audio through, as the player reports it."""
    from curation.clips import get_clip, record_listening

    return record_listening(ws, clip_id, [(0.0, get_clip(ws, clip_id, user=user).duration)], user=user)


def approve_clip(ws, clip_id: str, trainer: str = "trainer", reviewer: str = "reviewer"):
    """Submit, listen to the whole clip as the reviewer, approve (attesting the whole checklist)."""
    from curation import review

    review.submit(ws, clip_id, user=trainer)
    listen_whole(ws, clip_id, user=reviewer)
    return review.approve(ws, clip_id, user=reviewer, attestations=review.CHECKLIST)


def run_cli(monkeypatch, capsys, *args, user: str = "trainer") -> tuple[int, str, str]:
    """Run the real `curation` entry point (error handling included): (exit code, stdout, stderr)."""
    import sys

    from curation.cli.main import main

    monkeypatch.setenv("CURATION_USER", user)
    monkeypatch.setattr(sys, "argv", ["curation", *map(str, args)])
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    out, err = capsys.readouterr()
    return code, out, err

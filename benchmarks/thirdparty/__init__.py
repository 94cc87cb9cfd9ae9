"""Third-party Dutch and English texts with annotated personal data, for measuring PII detection on text
nobody on the project wrote (benchmarks/pii_thirdparty.py).

    from benchmarks.thirdparty import load_docs
    docs = load_docs(split="tune", form="spoken", sources=["conll2002"], language="nl")

`split="tune"` is what may be looked at and tuned (or trained) on; `"heldout"` is only scored. Sources
marked `research_only` (CoNLL-2002, CoNLL-2003) allow research use only: see `SOURCES[name].licence`.
Files are fetched at run time (sources.py) and never committed.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from benchmarks.thirdparty.convert import OUT_OF_SCOPE, Doc
from benchmarks.thirdparty.sources import SOURCES, Source, SourceError, fetch

__all__ = ["load_docs", "Doc", "SOURCES", "Source", "SourceError", "OUT_OF_SCOPE", "SPLITS", "FORMS"]
SPLITS = ("tune", "heldout")
FORMS = ("written", "spoken")


@lru_cache(maxsize=None)
def _written(name: str, mirror: str | None) -> tuple[Doc, ...]:
    from benchmarks.thirdparty.readers import read_source

    return tuple(read_source(name, fetch(SOURCES[name], Path(mirror) if mirror else None)))


def load_docs(split: str = "tune", form: str = "written", sources=None, language: str | None = "nl",
              limit: int | None = None, mirror: str | Path | None = None) -> list[Doc]:
    """Documents of the given split ("tune", "heldout" or "all") and form ("written" or "spoken") from the
    named sources (default: every source of `language`; `language=None` for both), at most `limit` per
    source, in a stable order."""
    if split not in (*SPLITS, "all"):
        raise ValueError(f"split must be tune, heldout or all, not {split!r}")
    if form not in FORMS:
        raise ValueError(f"form must be written or spoken, not {form!r}")
    names = list(sources) if sources else [n for n, s in SOURCES.items() if language in (None, s.language)]
    unknown = [n for n in names if n not in SOURCES]
    if unknown:
        raise ValueError(f"unknown source(s) {', '.join(unknown)}; known: {', '.join(SOURCES)}")
    other = [n for n in names if language not in (None, SOURCES[n].language)]
    if other:
        raise ValueError(f"source(s) {', '.join(other)} are not in language {language!r} (pass language=None)")
    out = []
    for name in names:
        docs = [d for d in _written(name, str(mirror) if mirror else None) if split in ("all", d.split)]
        docs = docs[:limit] if limit else docs
        if form == "spoken":
            from benchmarks.thirdparty.spoken import render

            docs = [render(d) for d in docs]
        out.extend(docs)
    return out

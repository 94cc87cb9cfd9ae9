"""Token-level scoring of predicted PII spans against a `Doc`'s gold spans.

Tokens are whitespace tokens with edge punctuation stripped; a token is redacted when any predicted span
overlaps it. A token's gold label is the type of the gold span over it (a personal type wins over
OUT_OF_SCOPE, which wins over None); unannotated tokens and None are negatives; OUT_OF_SCOPE tokens count
nowhere. Overall precision and recall count a token redacted under any type ("a LOC taken for a PERSON is
still found"); recall per gold type is given both for any type and for the same type; precision per
predicted type both for "personal under any type" and "the same type". Negatives are classed for the
false-alarm counts: "date" and "number" (rule marks on the written text), "org_misc" (annotated as not
personal: ORG, MISC, hospitals), "other" (ordinary words).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from functools import lru_cache

from benchmarks.thirdparty.convert import OUT_OF_SCOPE, Doc

_TOKEN = re.compile(r"\S+")
_CORE = re.compile(r"\w(?:.*\w)?", re.S)
NEGATIVE_CLASSES = ("date", "number", "org_misc", "other")
CONTEXT_TOKENS = 6


def tokens(text: str) -> list[tuple[int, int]]:
    """(start, end) of each whitespace token's core (edge punctuation stripped); empty cores dropped."""
    out = []
    for m in _TOKEN.finditer(text):
        core = _CORE.search(m.group())
        if core:
            out.append((m.start() + core.start(), m.start() + core.end()))
    return out


def normalise_place(text: str) -> str:
    """Lower case, anything but letters and digits a single space: "'s-Hertogenbosch" -> "s hertogenbosch"."""
    return " ".join(re.sub(r"[^\w]+|_", " ", text.lower()).split())


@lru_cache(maxsize=1)
def dutch_place_names() -> frozenset[str]:
    """deduce's Dutch place lists (municipalities, residences, provinces, regions; minus its exceptions),
    normalised; read from the installed deduce package."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.find_spec("deduce")
    if spec is None or spec.origin is None:
        raise RuntimeError("the 'deduce' package is not installed: its place lists define 'Dutch place names'")
    root = Path(spec.origin).parent / "data" / "lookup" / "src" / "locations" / "lst_placename"
    names, exceptions = set(), set()
    for path in root.rglob("*.txt"):
        target = exceptions if path.name == "exceptions.txt" else names
        target.update(normalise_place(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip())
    return frozenset(names - exceptions - {""})


class Tally:
    """Counts for one (system, source, form, split) cell; `add` one document at a time."""

    def __init__(self, recall_only: bool = False, keep_errors: bool = False):
        self.recall_only = recall_only
        self.docs = self.words = 0
        self.overall = Counter()  # tp fn fp tn
        self.gold = defaultdict(Counter)  # gold type -> n, any, same
        self.pred = defaultdict(Counter)  # predicted type -> n, personal, same
        self.places = Counter()  # n, found
        self.negatives = {c: Counter() for c in NEGATIVE_CLASSES}  # class -> tokens, redacted, per predicted type
        self.errors: list[dict] | None = [] if keep_errors else None

    def add(self, doc: Doc, predicted) -> None:
        """Score `predicted` ((start, end, type) or PiiSpan-like) on `doc`."""
        predicted = [(p[0], p[1], p[2]) if isinstance(p, tuple) else (p.start, p.end, p.entity_type)
                     for p in predicted]
        toks = tokens(doc.text)
        self.docs += 1
        self.words += len(toks)
        places = dutch_place_names()
        labels = []
        for a, b in toks:
            gold, entity = _gold(doc, a, b)
            got = {t for s, e, t in predicted if s < b and a < e}
            labels.append((gold, got))
            if gold == OUT_OF_SCOPE:
                continue
            if gold is not None and gold != "":
                self.overall["tp" if got else "fn"] += 1
                self.gold[gold]["n"] += 1
                self.gold[gold]["any"] += bool(got)
                self.gold[gold]["same"] += gold in got
                if gold == "LOCATION" and normalise_place(entity) in places:
                    self.places["n"] += 1
                    self.places["found"] += bool(got)
            else:
                self.overall["fp" if got else "tn"] += 1
                kind = _negative_class(doc, a, b, gold)
                self.negatives[kind]["tokens"] += 1
                if got:
                    self.negatives[kind]["redacted"] += 1
                    self.negatives[kind].update(got)
            for t in got:
                self.pred[t]["n"] += 1
                self.pred[t]["personal"] += gold is not None and gold != ""
                self.pred[t]["same"] += gold == t
        if self.errors is not None:
            self.errors.extend(_errors(doc, toks, labels))

    def summary(self) -> dict:
        """Figures for the JSON summary (precision is None for recall-only sources)."""
        o = self.overall
        precision = None if self.recall_only else _ratio(o["tp"], o["tp"] + o["fp"])
        return {
            "docs": self.docs, "tokens": self.words, "personal_tokens": o["tp"] + o["fn"],
            "precision": precision, "recall": _ratio(o["tp"], o["tp"] + o["fn"]), "counts": dict(o),
            "recall_by_type": {t: {"n": c["n"], "any_type": _ratio(c["any"], c["n"]), "same_type": _ratio(c["same"], c["n"])}
                               for t, c in sorted(self.gold.items())},
            "precision_by_predicted_type": None if self.recall_only else {
                t: {"n": c["n"], "personal": _ratio(c["personal"], c["n"]), "same_type": _ratio(c["same"], c["n"])}
                for t, c in sorted(self.pred.items())},
            "dutch_place_names": {"n": self.places["n"], "recall": _ratio(self.places["found"], self.places["n"])},
            "false_alarms_by_class": None if self.recall_only else {
                k: dict(c) for k, c in self.negatives.items()},
        }


def _ratio(a: int, b: int) -> float | None:
    return round(a / b, 4) if b else None


def _gold(doc: Doc, a: int, b: int) -> tuple[str | None, str]:
    """('' for unannotated | None | OUT_OF_SCOPE | type, entity text) of the token a..b."""
    best, rank, entity = "", -1, ""
    for s, e, t in doc.spans:
        if s < b and a < e:
            r = 0 if t is None else 1 if t == OUT_OF_SCOPE else 2
            if r > rank:
                best, rank, entity = t, r, doc.text[s:e]
    return best, entity


def _negative_class(doc: Doc, a: int, b: int, gold) -> str:
    for s, e, kind in doc.marks:
        if s < b and a < e:
            return kind
    return "org_misc" if gold is None else "other"


def _errors(doc: Doc, toks, labels) -> list[dict]:
    """Misses and false alarms, consecutive tokens of one kind merged, with a few tokens of context."""
    out = []
    run = None
    for i, (gold, got) in enumerate([*labels, ("", set())]):
        kind = None
        if gold not in ("", None, OUT_OF_SCOPE) and not got:
            kind = ("miss", gold, "")
        elif gold in ("", None) and got:
            kind = ("false_alarm", "" if gold == "" else "not personal (annotated)", ",".join(sorted(got)))
        if run and (kind != run[0]):
            k, first, last = run[0], run[1], i
            lo, hi = max(0, first - CONTEXT_TOKENS), min(len(toks), last + CONTEXT_TOKENS)
            out.append({"doc": doc.id, "form": doc.form, "kind": k[0], "gold": k[1], "predicted": k[2],
                        "text": doc.text[toks[first][0]:toks[last - 1][1]],
                        "context": doc.text[toks[lo][0]:toks[hi - 1][1]]})
            run = None
        if kind and run is None:
            run = (kind, i)
    return out

"""A statistical name tagger: a linear-chain CRF (CRFsuite) over our tokens that finds persons and
places whether or not they are capitalised or introduced by a cue word.

Its features are what a person uses: is the word on a first-name, surname or place list, how common
is it as an ordinary Dutch word (wordfreq), its shape and ending, and the words around it. The model
is trained offline (`scripts/train_name_tagger.py`) on the tuning part of public Dutch NER data in
written and in spoken (lower-case, unpunctuated) form, and ships inside the package; loading it reads
one file. Word identities are kept only for common words, so the model stores no rare names.
"""

from __future__ import annotations

import logging
import threading
from functools import lru_cache
from dataclasses import dataclass
from pathlib import Path

from curation.pii.gazetteer import Gazetteer, gazetteer
from curation.pii.tokens import Token, tokenize

log = logging.getLogger(__name__)
MODEL_DIR = Path(__file__).with_name("models")
LABELS = ("PER", "LOC", "ORG", "MISC")
COMMON_ZIPF = 3.0  # words at least this common keep their identity as a feature
CONTEXT = (-2, -1, 1, 2)


def _shape(text: str) -> str:
    if text.isdigit():
        return "digit"
    if any(c.isdigit() for c in text):
        return "hasdigit"
    if text.isupper() and len(text) > 1:
        return "upper"
    first = text.lstrip("'’")[:1]
    if first.isupper():
        return "cap"
    if text.islower():
        return "lower"
    return "other"


class FeatureExtractor:
    """Token features for one language; per-word parts are cached (a call repeats its words)."""

    def __init__(self, language: str = "nl", gaz: Gazetteer | None = None, cache_size: int = 200_000):
        self.language = language
        self.gaz = gaz or gazetteer()
        self._cache: dict[str, tuple[list[str], dict[int, list[str]]]] = {}
        self._cache_size = cache_size

    def _word(self, text: str, key: str):
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        g = self.gaz
        z = g.zipf(key, self.language)
        z_other = g.zipf(key, "en" if self.language == "nl" else "nl")
        shape = _shape(text)
        fb = f"f{min(7, int(z))}"
        flags = []
        if key in g.first_names:
            flags.append("fn")
        if key in g.surnames:
            flags.append("sn")
        if key in g.intl_first_names:
            flags.append("ifn")
        if key in g.intl_surnames:
            flags.append("isn")
        if key in g.nl_places:
            flags.append("nlp")
        elif key in g.world_places:
            flags.append("wp")
        if key in g.streets:
            flags.append("st")
        if key in g.interfixes:
            flags.append("ifx")
        if key in g.common(self.language):
            flags.append("com")
        if "-" in key and all(p in g.surnames or p in g.first_names for p in key.split("-") if p):
            flags.append("hyphname")
        wc = g.tagger_class_of(key, self.language)
        flags.append("wc=" + (wc or "none"))
        if self.language == "en" and g.cluster_en:
            path = g.cluster_en.get(key)
            if path:
                flags += [f"c{n}={path[:n]}" for n in (4, 8, 12) if len(path) >= n]
        ctx = [shape, fb] + flags
        if z >= COMMON_ZIPF:
            ctx.append("w=" + key)
        base = ["b", "s=" + shape, fb, f"o{min(7, int(z_other))}"]
        base += flags
        base += [f + "&" + fb for f in flags if f in ("fn", "sn", "ifn", "isn", "nlp", "wp", "st")]
        base += [f + "&wc=" + (wc or "none") for f in flags if f in ("fn", "sn", "ifn", "isn", "nlp", "wp")]
        base += [f + "&" + shape for f in flags if f in ("fn", "sn", "ifn", "isn", "nlp", "wp")]
        if z >= COMMON_ZIPF:
            base.append("w=" + key)
        if key.isalpha() and len(key) > 3:
            base += ["x3=" + key[-3:], "x2=" + key[-2:], "p3=" + key[:3]]
        if len(key) <= 2:
            base.append("short")
        if not flags and z < 2.0 and key.isalpha():
            base.append("unknown&" + shape)
        prefixed = {off: [f"{off}:{f}" for f in ctx] for off in CONTEXT}
        value = (base, prefixed)
        if len(self._cache) < self._cache_size:
            self._cache[text] = value
        return value

    def sequence(self, tokens: tuple[Token, ...]) -> list[list[str]]:
        """One feature list per token."""
        words = [self._word(t.text, t.key) for t in tokens]
        keys = [t.key for t in tokens]
        n = len(tokens)
        place_tags = [None] * n
        i = 0
        while i < n:
            length, local = self.gaz.place_length(keys, i) if keys[i] in self.gaz.place_first else (0, False)
            if length > 1:
                kind = "mnlp" if local else "mwp"
                place_tags[i] = kind + "B"
                for j in range(i + 1, i + length):
                    place_tags[j] = kind + "I"
                i += length
            else:
                i += 1
        cap_mid, lower = set(), set()
        for t in tokens:
            first = t.text[:1]
            if first.isupper() and not t.sentence_start:
                cap_mid.add(t.key)
            elif first.islower():
                lower.add(t.key)
        # a redaction placeholder ("[NAAM]") often swallowed the full stop before it: the word after it
        # starts a sentence, and nothing is read across it
        segment = [0] * n
        for i in range(1, n):
            segment[i] = segment[i - 1] + (tokens[i].is_placeholder or tokens[i - 1].is_placeholder)
        out = []
        for i, t in enumerate(tokens):
            base, _ = words[i]
            feats = list(base)
            if t.key in cap_mid:
                feats.append("capmid")
            if t.key in lower:
                feats.append("lowerseen")
            starts = t.sentence_start or (i > 0 and tokens[i - 1].is_placeholder)
            if starts:
                feats.append("ss")
                feats.append("ss&" + base[1])
            if place_tags[i]:
                feats.append(place_tags[i])
            if t.raw_end > t.end:
                feats.append("punct_after")
            for off in CONTEXT:
                j = i + off
                if 0 <= j < n and segment[j] == segment[i]:
                    feats += words[j][1][off]
                    if off == -1 and starts:
                        feats.append("-1:boundary")
                else:
                    feats.append(f"{off}:pad")
            out.append(feats)
        return out


@dataclass(frozen=True)
class TaggedSpan:
    label: str  # PER, LOC, ORG, MISC
    start: int  # character offsets into the text
    end: int
    first_token: int
    last_token: int  # exclusive
    probability: float  # the lowest per-token probability of the label inside the span


_cased_last: tuple = ((), False)  # (tokens, answer) last asked about: `tokenize` caches its tuples, so every
# recognizer of one analysis passes the same one; one tuple, swapped whole, so threads never mix two answers


def is_cased(tokens: tuple[Token, ...]) -> bool:
    """True when the text carries capitals a reader can use (a careful transcript, not ASR output)."""
    global _cased_last
    seen, answer = _cased_last
    if seen is tokens:
        return answer
    answer = _is_cased(tokens)
    _cased_last = (tokens, answer)
    return answer


def _is_cased(tokens) -> bool:
    inside = [t for t in tokens if not t.sentence_start and len(t.text) > 1 and t.text[:1].isalpha()]
    if not inside:
        return any(t.text[:1].isupper() for t in tokens)
    capitals = sum(t.text[:1].isupper() for t in inside)
    return capitals >= max(1, 0.02 * len(inside))


# A lower-case "de" or "het" followed only by lower-case words common in the language is a noun phrase
# ("in de bergen", "op de baan", "uit het zand"), even where a village bears that name; a capital ("De
# Bilt"), "den" ("den haag") or a rarer word ("de panne", "de haan" 4.0) keeps the place.
NOUN_PHRASE_ARTICLES = frozenset({"de", "het", "'t"})
NOUN_PHRASE_MIN_ZIPF = 4.05


def article_and_common_noun(tokens, first: int, last: int, gaz) -> bool:
    """True when tokens[first:last] is a lower-case article and common words only (see above)."""
    if last - first < 2 or tokens[first].text not in NOUN_PHRASE_ARTICLES:
        return False
    return all(t.text.islower() and gaz.zipf(t.key) >= NOUN_PHRASE_MIN_ZIPF for t in tokens[first + 1:last])


class NameTagger:
    """A loaded CRF model; `tag_tokens(tokens, threshold)` returns spans whose tokens each have at
    least `threshold` probability of one label (marginals, so the threshold trades precision for recall)."""

    def __init__(self, path: Path, language: str = "nl", features: FeatureExtractor | None = None):
        import pycrfsuite

        self.language = language
        self.features = features or FeatureExtractor(language)
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(path))
        self._labels = [y for y in self._tagger.labels() if y != "O"]
        self._lock = threading.Lock()  # a CRFsuite tagger holds the sequence it was given

    def tag_tokens(self, tokens: tuple[Token, ...], threshold: float = 0.5) -> list[TaggedSpan]:
        if not tokens:
            return []
        xseq = self.features.sequence(tokens)
        with self._lock:
            self._tagger.set(xseq)
            marginal = self._tagger.marginal
            probs = [{y: marginal(y, i) for y in self._labels} for i in range(len(tokens))]
        spans: list[TaggedSpan] = []
        current = None  # [label, first, last, lowest probability]
        for i, m in enumerate(probs):
            best, p = None, 0.0
            for kind in LABELS:
                q = m.get("B-" + kind, 0.0) + m.get("I-" + kind, 0.0)
                if q > p:
                    best, p = kind, q
            if tokens[i].is_placeholder or p < threshold:
                best = None
            begins = best is not None and (current is None or current[0] != best
                                           or m.get("B-" + best, 0.0) > m.get("I-" + best, 0.0))
            if current is not None and (best is None or begins):
                spans.append(self._span(tokens, current))
                current = None
            if best is not None:
                if current is None:
                    current = [best, i, i + 1, p]
                else:
                    current[2], current[3] = i + 1, min(current[3], p)
        if current is not None:
            spans.append(self._span(tokens, current))
        return spans

    @staticmethod
    def _span(tokens, current) -> TaggedSpan:
        label, first, last, p = current
        return TaggedSpan(label, tokens[first].start, tokens[last - 1].end, first, last, round(p, 3))

    def tag(self, text: str, threshold: float = 0.5) -> list[TaggedSpan]:
        return self.tag_tokens(tokenize(text), threshold)


@dataclass(frozen=True, eq=False)
class TaggerModels:
    """The cased and the uncased model of one language and their thresholds (from the metadata file)."""

    cased: NameTagger
    uncased: NameTagger
    thresholds: dict  # "cased"/"uncased" -> probability threshold chosen on the tuning data
    metadata: dict

    def tag_tokens(self, tokens: tuple[Token, ...]) -> list[TaggedSpan]:
        kind = "cased" if is_cased(tokens) else "uncased"
        return getattr(self, kind).tag_tokens(tokens, self.thresholds.get(kind, 0.5))

    def tag_text(self, text: str) -> list[TaggedSpan]:
        """Spans of `text` (the last few texts are remembered: the recognizer and the organisation
        filter of one analysis share one pass)."""
        return list(self._tag_cached(text))

    @lru_cache(maxsize=4)
    def _tag_cached(self, text: str) -> tuple[TaggedSpan, ...]:
        return tuple(self.tag_tokens(tokenize(text)))


def metadata_path(language: str) -> Path:
    return MODEL_DIR / f"name_tagger_{language}.json"


def model_path(language: str, kind: str) -> Path:
    return MODEL_DIR / f"name_tagger_{language}_{kind}.crfsuite"


_models: dict[str, TaggerModels | None] = {}
_lock = threading.Lock()


def name_tagger(language: str = "nl") -> TaggerModels | None:
    """The shared models for `language`, or None when none ship for it (logged once)."""
    if language not in _models:
        with _lock:
            if language not in _models:
                _models[language] = _load(language)
    return _models[language]


def _load(language: str) -> TaggerModels | None:
    import json

    meta = metadata_path(language)
    paths = {kind: model_path(language, kind) for kind in ("cased", "uncased")}
    if not meta.exists() or not all(p.exists() for p in paths.values()):
        log.warning("no name tagger model for %r in %s", language, MODEL_DIR)
        return None
    metadata = json.loads(meta.read_text(encoding="utf-8"))
    features = FeatureExtractor(language)
    return TaggerModels(NameTagger(paths["cased"], language, features), NameTagger(paths["uncased"], language, features),
                        dict(metadata.get("thresholds", {})), metadata)

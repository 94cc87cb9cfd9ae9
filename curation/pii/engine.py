"""The offline Presidio engine: a blank spaCy tokenizer per language and our Dutch recognizers.

Nothing here downloads anything: Presidio comes from `curation.pii.presidio`, which points
tldextract (pulled in by Presidio's e-mail recognizer) at its bundled suffix-list snapshot first.
"""

from __future__ import annotations

import logging
import threading

from curation.pii.errors import PiiError
from curation.pii.presidio import (AnalyzerEngine, LemmaContextAwareEnhancer, NlpArtifacts, RecognizerRegistry,
                                   SpacyNlpEngine, spacy)

log = logging.getLogger(__name__)
LANGUAGES = ("nl", "en")
MAX_TEXT = 50_000_000  # characters; a two-hour call is about 100,000


class BlankSpacyNlpEngine(SpacyNlpEngine):
    """`SpacyNlpEngine` over `spacy.blank(lang)`: tokens only, lemmas are the lower-cased tokens
    (so Presidio's context words still work), never a model download."""

    def __init__(self, languages=LANGUAGES):
        super().__init__(models=[{"lang_code": lang, "model_name": f"blank:{lang}"} for lang in languages])

    def load(self) -> None:
        self.nlp = _BlankPipelines(model["lang_code"] for model in self.models)

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        if not self.nlp:
            raise ValueError("NLP engine is not loaded. Consider calling .load()")
        return LazyNlpArtifacts(text, self, language)

    def _doc_to_nlp_artifact(self, doc, language: str) -> NlpArtifacts:
        artifacts = LazyNlpArtifacts(doc.text, self, language)
        artifacts.tokens = doc
        return artifacts


class _BlankPipelines(dict):
    """language -> `spacy.blank(language)`, each built on first use (≈0.5 s each, and our own
    recognizers never need spaCy tokens)."""

    def __init__(self, languages):
        super().__init__((lang, None) for lang in languages)

    def __getitem__(self, language):
        nlp = super().__getitem__(language)
        if nlp is None:
            nlp = spacy.blank(language)
            nlp.max_length = MAX_TEXT
            super().__setitem__(language, nlp)
        return nlp

    def get(self, language, default=None):
        return self[language] if language in self else default


class LazyNlpArtifacts(NlpArtifacts):
    """NlpArtifacts whose spaCy tokens, offsets and lemmas (lower-cased tokens) are computed only
    when a recognizer asks: ours never do (they share `curation.pii.normalise`), and a two-hour
    call has 20,000 tokens."""

    def __init__(self, text: str, nlp_engine, language: str):  # noqa: D107 (no super(): it computes eagerly)
        self.entities = []
        self.nlp_engine = nlp_engine
        self.language = language
        self.scores = []
        self._text = text
        self._doc = None
        self._lemmas = None
        self._indices = None

    @property
    def tokens(self):
        if self._doc is None:
            self._doc = self.nlp_engine.nlp[self.language](self._text)
        return self._doc

    @tokens.setter
    def tokens(self, value) -> None:
        self._doc = value

    @property
    def lemmas(self) -> list[str]:
        if self._lemmas is None:
            self._lemmas = [t.lower_ for t in self.tokens]
        return self._lemmas

    @lemmas.setter
    def lemmas(self, value) -> None:
        self._lemmas = value

    @property
    def tokens_indices(self) -> list[int]:
        if self._indices is None:
            self._indices = [t.idx for t in self.tokens]
        return self._indices

    @tokens_indices.setter
    def tokens_indices(self, value) -> None:
        self._indices = value

    @property
    def keywords(self) -> list[str]:
        if getattr(self, "_keywords", None) is None:
            self._keywords = self.set_keywords(self.nlp_engine, self.lemmas, self.language)
        return self._keywords


class ContextWordEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, applied only to results of recognizers that declare
    context words (ours score context themselves, inside compounds too)."""

    def enhance_using_context(self, text, raw_results, nlp_artifacts, recognizers, context=None):
        with_context = {r.id for r in recognizers if r.context}
        if not with_context and not context:
            return raw_results
        key = "recognizer_identifier"
        mine = [r for r in raw_results if (r.recognition_metadata or {}).get(key) in with_context]
        if not mine:
            return raw_results
        rest = [r for r in raw_results if (r.recognition_metadata or {}).get(key) not in with_context]
        return rest + super().enhance_using_context(text, mine, nlp_artifacts, recognizers, context)


def build_registry(languages=LANGUAGES) -> RecognizerRegistry:
    """A Presidio registry with our recognizers for each language (add or remove with its API)."""
    from curation.pii.recognizers import dutch_recognizers

    registry = RecognizerRegistry(supported_languages=list(languages))
    for language in languages:
        for recognizer in dutch_recognizers(language):
            registry.add_recognizer(recognizer)
    return registry


def build_analyzer(languages=LANGUAGES, registry: RecognizerRegistry | None = None) -> AnalyzerEngine:
    """A fresh offline `AnalyzerEngine` (≈0.5 s). Most callers want the shared `analyzer()`."""
    unknown = set(languages) - set(LANGUAGES)
    if unknown:
        raise PiiError(f"unsupported language(s) {sorted(unknown)}; supported: {', '.join(LANGUAGES)}")
    nlp_engine = BlankSpacyNlpEngine(languages)
    nlp_engine.load()
    registry = registry or build_registry(languages)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp_engine, supported_languages=list(languages),
                          context_aware_enhancer=ContextWordEnhancer())


_lock = threading.Lock()
_shared: AnalyzerEngine | None = None


def analyzer() -> AnalyzerEngine:
    """The process-wide engine, built on first use and reused (its registry may be edited)."""
    global _shared
    if _shared is None:
        with _lock:
            if _shared is None:
                _shared = build_analyzer()
    return _shared

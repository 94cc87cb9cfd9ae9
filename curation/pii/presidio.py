"""Presidio and spaCy, loaded offline: tldextract pointed at its bundled suffix list (no network),
Presidio on the CPU, and torch hidden while they load (a blank tokenizer never needs it). Every
module of `curation.pii` that touches Presidio imports it from here, so the set-up always comes first.
"""

from __future__ import annotations

import os
from pathlib import Path

from curation.pii.lists import cache_dir


def _offline_tldextract() -> None:
    os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
    if "TLDEXTRACT_CACHE" not in os.environ:
        path = cache_dir() / "tldextract"
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError:  # read-only home: tldextract then works from its snapshot in memory
            import tempfile

            path = Path(tempfile.gettempdir()) / "curation-tldextract"
            path.mkdir(parents=True, exist_ok=True)
        os.environ["TLDEXTRACT_CACHE"] = str(path)


_offline_tldextract()
# a blank tokenizer runs on the CPU; without this Presidio imports torch (when installed) to look for a GPU
os.environ.setdefault("PRESIDIO_DEVICE", "cpu")


class _HideTorch:
    """While spaCy and Presidio load for the first time, `import torch` fails fast: thinc and
    Presidio's Hugging Face recognizer import torch when it is installed (≈4 s; it comes with the
    optional evaluation extra) and a blank tokenizer never needs it. Afterwards `import torch`
    works as usual. Set CURATION_PII_ALLOW_TORCH=1 to let them see torch."""

    def __enter__(self):
        import importlib.abc
        import sys

        self.finder = None
        if "torch" in sys.modules or os.environ.get("CURATION_PII_ALLOW_TORCH"):
            return self

        class Finder(importlib.abc.MetaPathFinder):
            def find_spec(self, name, path=None, target=None):
                if name == "torch" or name.startswith("torch."):
                    raise ImportError("torch is not needed by curation.pii's blank pipeline")
                return None

        self.finder = Finder()
        sys.meta_path.insert(0, self.finder)
        return self

    def __exit__(self, *exc):
        import sys

        if self.finder is not None:
            sys.meta_path.remove(self.finder)
        return False


with _HideTorch():
    import spacy  # noqa: E402
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry  # noqa: E402
    from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer  # noqa: E402
    from presidio_analyzer.nlp_engine import NlpArtifacts, SpacyNlpEngine  # noqa: E402
    import presidio_analyzer.predefined_recognizers  # noqa: E402,F401

__all__ = ["AnalyzerEngine", "LemmaContextAwareEnhancer", "NlpArtifacts", "RecognizerRegistry",
           "SpacyNlpEngine", "spacy"]

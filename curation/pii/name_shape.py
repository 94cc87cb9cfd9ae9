"""How much a word *looks* like a name or place rather than an ordinary Dutch word, from its letters
alone: "garzelli", "pratonevoso", "khudojnazarov" against "belangenneming", "regularisering".

A word no list and no frequency table knows can be a rare Dutch word (a new compound, a diminutive)
or a name nobody put on a list (a foreign surname, a village abroad). Their letters differ: Dutch
words end in -ing, -heid, -tje, -isering and join known words; Italian, Slavic, Spanish or Arabic
names end and begin differently. The model is a naive-Bayes log-odds table over the letter
2-, 3- and 4-grams of a word (with its edges marked), counted on the gazetteer's name and place lists
(positives) against the Dutch words of wordfreq that are on no such list (negatives); the score is
the mean log-odds per letter, above 0 leaning to a name. It is built offline by
`scripts/train_name_shape.py` from those lists only and ships as `models/name_shape_nl.json`; it
holds letter sequences and their weights, no names.
"""

from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)
MODEL_DIR = Path(__file__).with_name("models")
GRAM_SIZES = (2, 3, 4)


def model_path(language: str = "nl") -> Path:
    return MODEL_DIR / f"name_shape_{language}.json"


def grams(key: str, sizes=GRAM_SIZES) -> set[str]:
    """The distinct letter n-grams of a word with its edges marked ("^ga", "lli$")."""
    s = "^" + key + "$"
    return {s[i:i + n] for n in sizes for i in range(len(s) - n + 1)}


class NameShape:
    """The log-odds table of one language; `score(key)` is cached per word."""

    def __init__(self, weights: dict[str, float], default: float):
        self.weights, self.default = weights, default
        self._cache: dict[str, float] = {}

    @classmethod
    def load(cls, path: Path) -> "NameShape":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return cls({k: float(v) for k, v in data["weights"].items()}, float(data["default"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"{path}: not a name-shape model ({exc})") from exc

    def score(self, key: str) -> float:
        """Mean log-odds per letter that `key` (lower case) is a name or place; > 0 leans to a name."""
        hit = self._cache.get(key)
        if hit is None:
            w, d = self.weights, self.default
            hit = sum(w.get(g, d) for g in grams(key)) / max(1, len(key))
            if len(self._cache) < 200_000:
                self._cache[key] = hit
        return hit


@lru_cache(maxsize=4)
def name_shape(language: str = "nl") -> NameShape | None:
    """The shipped model of a language, or None (logged once) when there is none."""
    path = model_path(language)
    if not path.exists():
        log.warning("no name-shape model for language %r (%s): unknown words are not weighed", language, path)
        return None
    return NameShape.load(path)

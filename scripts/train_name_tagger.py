"""Train the name tagger's CRF models (cased and uncased) and write them into curation/pii/models/.

Training data is ours to use: call-centre and general sentences written for this project
(curation/pii/data/tagger_templates_nl.txt) whose slots are filled, seeded, with names and places from
the gazetteers and organisations from tagger_organisations_nl.txt, and Dutch prose from Debian's
documentation packages as text without names (apt-get download, pinned versions). CoNLL-2002 is NOT trained on: its
licence allows research use only. Each sentence set is used in written form (cased model) and in the
benchmark's spoken rendering (lower case, no punctuation, numbers as words: uncased model). The
probability threshold is 0.7 for written and 0.5 for spoken text; precision and recall at other thresholds on the tuning part of deduce's
annotated cases (LGPL) are written into the metadata, never on a held-out part.

Run:  .venv/bin/python scripts/train_name_tagger.py [--language nl|en] [--seed 1] [--repeats 25]   (1-2 minutes)
"""

from __future__ import annotations

import argparse
import bisect
import json
import random
import re
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from curation.pii.gazetteer import gazetteer  # noqa: E402
from curation.pii.lookups import DATA, read_list  # noqa: E402
from curation.pii.name_tagger import (MODEL_DIR, FeatureExtractor, NameTagger, metadata_path,  # noqa: E402
                                      model_path)
from curation.pii.tokens import tokenize  # noqa: E402

NO_SPACE_BEFORE = set(",.;:!?)")
SENTENCES_PER_DOC = 8
THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)


@dataclass
class Doc:
    text: str
    spans: list  # (start, end, label) with label in LABELS


def _title(value: str) -> str:
    return " ".join(w if w in INTERFIXES else w[:1].upper() + w[1:] for w in value.split(" "))


INTERFIXES = frozenset({"van", "de", "der", "den", "ter", "ten", "te", "het", "'t", "in", "op", "uit", "la", "le", "du"})


STREET_TYPES_EN = ("Street", "Road", "Avenue", "Lane", "Drive", "Close", "Way")


class Fillers:
    """Seeded values for the template slots of one language, with the label each slot carries."""

    def __init__(self, rng: random.Random, language: str):
        from babel import Locale

        g = gazetteer()
        self.rng, self.language = rng, language
        # a name that is also a function word, verb or adjective ("Dan", "Ben", "Kon") would teach the
        # tagger that "dan" is a name: such names appear only written, with capitals, in other sentences
        classes = ((g.tagger_word_class or g.word_class) if language == "nl" else g.word_class_en) or {}
        plain = {k for k, c in classes.items() if c != "noun"} | set(g.common(language))
        if language == "nl":
            self.first = sorted((g.first_names | g.intl_first_names) - plain)
            self.last = sorted((g.surnames | g.intl_surnames) - plain)
        else:
            self.first = sorted(g.intl_first_names - plain)
            self.last = sorted(g.intl_surnames - plain)
        self.places = sorted(g.nl_places)
        self.cities = sorted(g.world_places)
        self.countries = sorted({n for n in Locale.parse(language).territories.values() if len(n) < 25})
        self.streets = sorted(s for s in g.streets if len(s) < 30)
        self.orgs = read_list(DATA / f"tagger_organisations_{language}.txt")
        self.misc = read_list(DATA / f"tagger_misc_{language}.txt")
        self._weights: dict = {}
        self.nouns = sorted(k for k, c in classes.items() if c == "noun" and k.isalpha()
                            and 3.0 <= g.zipf(k, language) <= 5.0 and k not in g.first_names
                            and k not in g.surnames and k not in g.intl_surnames)

    def pick(self, values: list[str]) -> str:
        """Half the time a value as often as it occurs in text of the language (common names are said
        most), half the time any value (rare names must be learned too)."""
        if self.rng.random() < 0.5:
            return self.rng.choice(values)
        cum = self._weights.get(id(values))
        if cum is None:
            g = gazetteer()
            total, cum = 0.0, []
            for v in values:
                total += 10 ** min(4.5, g.zipf(v.split(" ")[-1], self.language))
                cum.append(total)
            self._weights[id(values)] = cum
        return values[bisect.bisect_left(cum, self.rng.random() * cum[-1])]

    def street(self) -> str:
        if self.language == "nl":
            return _title(self.rng.choice(self.streets))
        return f"{self.rng.randint(1, 250)} {self.rng.choice(self.nouns).capitalize()} {self.rng.choice(STREET_TYPES_EN)}"

    def __call__(self, slot: str) -> tuple[str, str]:
        r = self.rng
        if slot == "FIRST":
            return _title(self.pick(self.first)), "PER"
        if slot == "LAST":
            return _title(self.pick(self.last)), "PER"
        if slot == "FULL":
            return _title(self.pick(self.first) + " " + self.pick(self.last)), "PER"
        if slot == "INIT":
            initials = "".join(c.upper() + "." for c in r.sample("abcdefghijklmnoprstvw", r.choice((1, 1, 2, 3))))
            return initials + " " + _title(self.pick(self.last)), "PER"
        if slot == "PLACE":
            return _title(self.pick(self.places)), "LOC"
        if slot == "CITY":
            return _title(self.pick(self.cities)), "LOC"
        if slot == "COUNTRY":
            return r.choice(self.countries), "LOC"
        if slot == "STREET":
            return self.street(), "LOC"
        if slot == "ORG":
            org = r.choice(self.orgs).replace("{LAST}", _title(r.choice(self.last)))
            org = org.replace("{PLACE}", _title(r.choice(self.places))).replace("{CITY}", _title(r.choice(self.cities)))
            while "{WORD}" in org:  # an ordinary noun as a brand: "Bank Oranje", "Huis en Haard"
                org = org.replace("{WORD}", r.choice(self.nouns).capitalize(), 1)
            return org, "ORG"
        if slot == "MISC":
            return r.choice(self.misc), "MISC"
        raise ValueError(f"unknown slot {{{slot}}} in the tagger templates")


def template_docs(seed: int, repeats: int, language: str = "nl") -> list[Doc]:
    """The template sentences, each filled `repeats` times, shuffled into documents of a few sentences."""
    rng = random.Random(seed)
    fill = Fillers(rng, language)
    lines = [line for line in read_list(DATA / f"tagger_templates_{language}.txt") if not line.startswith("#")]
    sentences = []
    for _ in range(repeats):
        for line in lines:
            text, spans, pos = "", [], 0
            for m in re.finditer(r"\{(\w+)\}", line):
                text += line[pos:m.start()]
                value, label = fill(m.group(1))
                if not text.strip() or text.rstrip().endswith((".", "?", "!", '"')):
                    value = value[:1].upper() + value[1:]
                if label in ("PER", "LOC"):  # "de gemeente X": the organisation's words stay ORG
                    spans.append((len(text), len(text) + len(value), label))
                else:
                    spans.append((len(text), len(text) + len(value), label))
                text += value
                pos = m.end()
            text += line[pos:]
            sentences.append((text, spans))
    rng.shuffle(sentences)
    docs = []
    for k in range(0, len(sentences), SENTENCES_PER_DOC):
        text, spans = "", []
        for sentence, sentence_spans in sentences[k:k + SENTENCES_PER_DOC]:
            if text:
                text += " "
            spans += [(a + len(text), b + len(text), label) for a, b, label in sentence_spans]
            text += sentence
        docs.append(Doc(text, spans))
    return docs


# Dutch prose from Debian's documentation packages (GPL / free licences, see each package's
# copyright file): real sentences with their capitalised product and menu words, and almost no names.
# They teach the tagger how rare names are in ordinary text. Fetched with apt-get, pinned by version.
DEBIAN_DOCS = {"nl": ("debian-faq-nl=11.1", "aptitude-doc-nl=0.8.13-5", "debian-edu-doc-nl=2.12.23~deb12u1"),
               "en": ("debian-faq=11.1", "aptitude-doc-en=0.8.13-5", "debian-reference-en=2.100")}
_FUNCTION = {"nl": frozenset("de het een en van in is dat op te voor met niet zijn u die of als er om aan wordt "
                             "worden kan door".split()),
             "en": frozenset("the a an and of in is that on to for with not be are you it or as at by this "
                             "from can will".split())}


def debian_paragraphs(cache: Path, language: str = "nl") -> list[str]:
    """Paragraphs in `language` from the pinned Debian documentation packages (downloaded once into `cache`)."""
    import glob
    import subprocess
    from html.parser import HTMLParser

    block = {"p", "li", "div", "h1", "h2", "h3", "h4", "td", "br", "dt", "dd", "title", "table", "tr"}
    skip_tags = {"script", "style", "pre", "code", "tt", "kbd", "var"}

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.out, self.skip = [], 0

        def handle_starttag(self, tag, attrs):
            self.skip += tag in skip_tags
            if tag in block:
                self.out.append("\n")

        def handle_endtag(self, tag):
            self.skip -= tag in skip_tags
            if tag in block:
                self.out.append("\n")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data.replace("\n", " "))

    cache.mkdir(parents=True, exist_ok=True)
    function_words = _FUNCTION[language]
    folders = []
    for spec in DEBIAN_DOCS[language]:
        name = spec.split("=")[0]
        if not (cache / name).exists():
            subprocess.run(["apt-get", "download", spec], cwd=cache, check=True, capture_output=True)
            deb = sorted(cache.glob(f"{name}_*.deb"))[-1]
            subprocess.run(["dpkg-deb", "-x", str(deb), str(cache / name)], check=True)
        folders.append(cache / name)
    paragraphs = []
    for path in sorted(p for folder in folders for p in glob.glob(str(folder / "**" / "*.html"), recursive=True)):
        parser = Text()
        parser.feed(Path(path).read_text(encoding="utf-8", errors="replace"))
        for line in "".join(parser.out).split("\n"):
            line = re.sub(r"\s+", " ", line).strip()
            words = line.lower().split()
            if len(words) >= 6 and sum(w in function_words for w in words) / len(words) > 0.15 \
                    and line[-1:] in ".?!:":
                paragraphs.append(line)
    return list(dict.fromkeys(paragraphs))


def negative_docs(cache: Path, language: str = "nl", limit: int = 3000) -> list[Doc]:
    paragraphs = debian_paragraphs(cache, language)[:limit]
    return [Doc(" ".join(paragraphs[k:k + SENTENCES_PER_DOC]), []) for k in range(0, len(paragraphs), SENTENCES_PER_DOC)]


def spoken(doc: Doc, language: str = "nl") -> Doc:
    """The benchmark's spoken rendering (lower case, no punctuation, numbers as words), spans mapped."""
    from benchmarks.thirdparty.convert import Doc as BenchDoc
    from benchmarks.thirdparty.spoken import render

    said = render(BenchDoc(id=str(zlib.crc32(doc.text.encode())), source="templates", split="tune", language=language,
                           text=doc.text, spans=tuple(doc.spans)))
    return Doc(said.text, list(said.spans))


def dev_docs() -> list[Doc]:
    """Threshold-choosing data: the tuning part of deduce's annotated cases, persons and places only."""
    from benchmarks.thirdparty import load_docs

    docs = []
    for d in load_docs(split="tune", form="written", sources=["deduce"]):
        spans = [(a, b, {"PERSON": "PER", "LOCATION": "LOC"}[t]) for a, b, t in d.spans if t in ("PERSON", "LOCATION")]
        docs.append(Doc(d.text, spans))
    return docs


def token_labels(doc: Doc):
    tokens = tokenize(doc.text)
    labels = []
    for t in tokens:
        label = "O"
        for a, b, kind in doc.spans:
            if t.start < b and t.end > a:
                label = ("B-" if t.start <= a else "I-") + kind
                break
        labels.append(label)
    return tokens, labels


def train(docs: list[Doc], out: Path, features: FeatureExtractor) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for doc in docs:
        tokens, labels = token_labels(doc)
        if tokens:
            trainer.append(features.sequence(tokens), labels)
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 150, "feature.possible_transitions": True})
    trainer.train(str(out))


def score(tagger: NameTagger, docs: list[Doc], threshold: float) -> tuple[float, float]:
    """Token-level precision and recall of PER+LOC (redacted under either type counts)."""
    tp = fp = fn = 0
    for doc in docs:
        tokens, labels = token_labels(doc)
        predicted = set()
        for span in tagger.tag_tokens(tokens, threshold):
            if span.label in ("PER", "LOC"):
                predicted.update(range(span.first_token, span.last_token))
        for i, label in enumerate(labels):
            gold = label[2:] in ("PER", "LOC")
            if gold and i in predicted:
                tp += 1
            elif gold:
                fn += 1
            elif i in predicted:
                fp += 1
    return tp / max(1, tp + fp), tp / max(1, tp + fn)


# a token is a name when that is more likely than not; in written text, where capitals already carry
# much of the evidence and every capitalised product or company name is a candidate, clearly more likely
THRESHOLDS_BY_KIND = {"cased": 0.7, "uncased": 0.5}


NOT_USED = {"nl": "CoNLL-2002 (research use only): evaluation only",
            "en": "CoNLL-2003 (Reuters, research use only): evaluation only"}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--language", choices=("nl", "en"), default="nl")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=25, help="fillings of each template sentence")
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "curation" / "training",
                    help="where the Debian documentation packages are downloaded")
    args = ap.parse_args(argv)
    lang = args.language
    t0 = time.time()
    docs = template_docs(args.seed, args.repeats, lang) + negative_docs(args.cache, lang)
    dev = dev_docs() if lang == "nl" else []
    features = FeatureExtractor(lang)
    MODEL_DIR.mkdir(parents=True, exist_ok=True)
    metadata = {"language": lang, "trained": time.strftime("%Y-%m-%d"), "seed": args.seed,
                "sources": {"templates": f"curation/pii/data/tagger_templates_{lang}.txt x {args.repeats}, slots from "
                                         f"the gazetteers and tagger_organisations_{lang}.txt / tagger_misc_{lang}.txt",
                            "negatives": "prose of the Debian packages " + ", ".join(DEBIAN_DOCS[lang]),
                            "thresholds": "0.7 written, 0.5 spoken; dev figures at other thresholds "
                                          "on the tuning part of deduce's annotated cases are recorded below (nl)",
                            "not_used": NOT_USED[lang]},
                "thresholds": {}, "dev": {}}
    for kind, render in (("cased", lambda d: d), ("uncased", lambda d: spoken(d, lang))):
        path = model_path(lang, kind)
        train([render(d) for d in docs], path, features)
        metadata["thresholds"][kind] = THRESHOLDS_BY_KIND[kind]
        if dev:
            tagger = NameTagger(path, lang, features)
            results = {t: score(tagger, [render(d) for d in dev], t) for t in THRESHOLDS}
            metadata["dev"][kind] = {str(t): {"precision": round(p, 3), "recall": round(r, 3)}
                                     for t, (p, r) in results.items()}
            p, r = results[THRESHOLDS_BY_KIND[kind]]
            print(f"{kind}: precision {p:.3f} recall {r:.3f} on deduce's tuning cases (tagger alone)")
    metadata_path(lang).write_text(json.dumps(metadata, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(docs)} training documents; models written to {MODEL_DIR} in {time.time() - t0:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Question form (open / closed / not a question: curation.coaching.questions) on real Dutch text
that we did not write: the Dutch dialogue of the game Fish Fillets (Debian package fillets-ng-data
1.0.1-1.1, GPL-2+: two fish talking, colloquial spoken Dutch) and the section titles of the Dutch
Debian FAQ (debian-faq-nl 11.1, GPL-2+: "Hoe kan ik ...?", "Wat is ...?").

    .venv/bin/python benchmarks/coaching_questions.py --fetch      # downloads and unpacks the two .debs
    .venv/bin/python benchmarks/coaching_questions.py [--root DIR] # or: installed (apt-get install ...) or unpacked

Every sentence of two or more words is an item; an item is held out when the SHA-256 of its text,
read as a number, is divisible by 3 (the rest is for tuning). Held-out questions carry hand labels
(benchmarks/data/coaching_questions_heldout.tsv, keyed by hash; the texts stay in the packages);
held-out statements are as many sentences without a question mark (lowest hashes first), labelled
`none` by their own punctuation. Two readings: as written, and as a recogniser would write it
(lower case, no punctuation), where a question must be told from a statement by its words alone.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import json
import re
from pathlib import Path

LABELS = Path(__file__).with_name("data") / "coaching_questions_heldout.tsv"
DIALOGS = "usr/share/games/fillets-ng/script/*/dialogs_nl.lua"
FAQ = "usr/share/doc/debian/FAQ/nl/*.html"
SOURCES = {"fillets-ng-data": "1.0.1-1.1 (GPL-2+)", "debian-faq-nl": "11.1 (GPL-2+)"}


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def held_out(text: str) -> bool:
    return int(digest(text)[:8], 16) % 3 == 0


def items(root: Path) -> dict[str, str]:
    """text -> source, every sentence of the dialogues and every question title of the FAQ."""
    out: dict[str, str] = {}
    for path in sorted(root.glob(DIALOGS)):
        source = path.read_text(encoding="utf-8", errors="replace")
        for m in re.finditer(r'dialogStr\("((?:[^"\\]|\\.)*)"\)', source):
            for s in re.split(r"(?<=[.?!])\s+", m.group(1).replace('\\"', '"').strip()):
                s = " ".join(s.split())
                if len(s.split()) >= 2:
                    out.setdefault(s, "fillets-ng-data")
    for path in sorted(root.glob(FAQ)):
        for m in re.finditer(r"<h[2-4][^>]*>(.*?)</h[2-4]>", path.read_text(encoding="utf-8"), re.S):
            s = html.unescape(re.sub("<[^>]+>", "", m.group(1))).strip()
            s = " ".join(re.sub(r"^[\d.]+\s*", "", s).split())
            if s.endswith("?"):
                out.setdefault(s, "debian-faq-nl")
    return out


def asr_like(text: str) -> str:
    return " ".join(re.sub(r"[^\w'\- ]", " ", text.lower()).split())


def last_sentence(text: str) -> str:
    from curation.coaching.questions import sentences

    parts = sentences(text)
    return parts[-1] if parts else text


def evaluate(root: Path) -> dict:
    from curation.coaching.questions import KINDS, classify

    found = items(root)
    if not found:
        raise SystemExit(f"no Fish Fillets dialogues or Dutch Debian FAQ under {root} "
                         "(apt-get install fillets-ng-data debian-faq-nl, or --root an extracted copy)")
    gold = {}
    for line in LABELS.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, label = line.split("\t")
            gold[key] = label
    questions = [(t, gold[digest(t)[:12]]) for t in found if held_out(t) and t.endswith("?") and digest(t)[:12] in gold]
    statements = sorted((t for t in found if held_out(t) and not t.rstrip("\"”'").endswith("?")), key=digest)
    data = questions + [(t, "none") for t in statements[:len(questions)]]
    unlabelled = sum(1 for t in found if held_out(t) and t.endswith("?") and digest(t)[:12] not in gold)
    result = {"sources": SOURCES, "held_out_items": len(data), "questions": len(questions),
              "statements": len(data) - len(questions), "unlabelled_held_out_questions": unlabelled,
              "tuning_items": sum(1 for t in found if not held_out(t)), "data": "real (held-out)"}
    for reading, prepare in (("as_written", lambda t: t), ("asr_like", asr_like)):
        confusion = {g: {p: 0 for p in KINDS} for g in KINDS}
        errors = []
        for text, label in data:
            predicted = classify(prepare(last_sentence(text))).kind
            confusion[label][predicted] += 1
            if predicted != label and len(errors) < 12:
                errors.append({"gold": label, "predicted": predicted, "text": text[:100]})
        right = sum(confusion[k][k] for k in KINDS)
        q_total = sum(confusion[g][p] for g in ("open", "closed") for p in KINDS)
        q_right = confusion["open"]["open"] + confusion["closed"]["closed"]
        result[reading] = {
            "accuracy": round(right / len(data), 3),
            "accuracy_on_questions": round(q_right / q_total, 3) if q_total else None,
            "recall": {k: round(confusion[k][k] / max(1, sum(confusion[k].values())), 3) for k in KINDS},
            "confusion": confusion, "examples_of_errors": errors}
    return result


CACHE = Path.home() / ".cache" / "curation" / "benchmarks" / "coaching_questions"


def fetch() -> Path:
    """The two packages at their pinned versions, downloaded with `apt-get download` (no root needed)
    and unpacked with `dpkg-deb -x` into a cache folder; that folder, to read as --root."""
    import subprocess

    root = CACHE / "root"
    if items_present(root):
        return root
    CACHE.mkdir(parents=True, exist_ok=True)
    wanted = [f"{name}={version.split()[0]}" for name, version in SOURCES.items()]
    done = subprocess.run(["apt-get", "download", *wanted], cwd=CACHE, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"apt-get download {' '.join(wanted)} failed: {done.stderr.strip().splitlines()[-1:]} "
                         "(run apt-get update first, or install the packages and leave out --fetch)")
    for deb in sorted(CACHE.glob("*.deb")):
        subprocess.run(["dpkg-deb", "-x", str(deb), str(root)], check=True)
    return root


def items_present(root: Path) -> bool:
    return any(root.glob(DIALOGS)) and any(root.glob(FAQ))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path("/"), help="Where the packages are installed or extracted.")
    parser.add_argument("--fetch", action="store_true",
                        help="Unless --root holds them, download the pinned packages into ~/.cache and read them there.")
    parser.add_argument("--tuning", action="store_true", help="Print the classifier's output on the tuning items.")
    args = parser.parse_args()
    if args.fetch and not items_present(args.root):
        args.root = fetch()
    if args.tuning:
        from curation.coaching.questions import classify

        for text in sorted(t for t in items(args.root) if not held_out(t) and t.endswith("?")):
            form = classify(last_sentence(text))
            print(f"{form.kind}\t{form.cue}\t{text}")
        return
    print(json.dumps(evaluate(args.root), indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()

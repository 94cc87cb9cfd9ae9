"""PII detection on Dutch and English text nobody on the project wrote: ours vs deduce, written and spoken.

    .venv/bin/python benchmarks/pii_thirdparty.py                      # held-out, both forms, ours + deduce
    .venv/bin/python benchmarks/pii_thirdparty.py --split tune --errors tune-errors.jsonl

Sources (benchmarks/thirdparty/sources.py; pinned by commit or version, sha256-checked, fetched at run
time into ~/.cache/curation/benchmarks/thirdparty, never committed): CoNLL-2002 Dutch NER, WikiNEuRal
Dutch (Wikipedia, silver annotation), deduce's regression cases, Europeana Newspapers Dutch NER
(recall only), nedap/deidentify's samples, python-stdnum and phonenumbers example values in carrier
sentences written for this benchmark (a sanity set), CoNLL-2003 English. Each document is scored as
written and as an ASR-like spoken rendering (lower case, no punctuation, numbers as words, e-mail read
out). Token level: a token is redacted when
any predicted span overlaps it; precision/recall count any type (benchmarks/thirdparty/score.py).

The held-out split is only scored: --errors writes misses and false alarms (with context) for the tune
split; for held-out it also needs --i-know-this-is-heldout. Writes benchmarks/results/pii_thirdparty.json.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.thirdparty import SOURCES, SourceError, load_docs  # noqa: E402
from benchmarks.thirdparty.score import Tally  # noqa: E402
from benchmarks.thirdparty.systems import SYSTEMS  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "pii_thirdparty.json"
SHORT = {"NL_POSTCODE": "POSTC", "PHONE_NUMBER": "PHONE", "EMAIL_ADDRESS": "EMAIL", "IBAN_CODE": "IBAN",
         "NL_BSN": "BSN", "DATE_OF_BIRTH": "DOB", "NL_LICENSE_PLATE": "PLATE", "ACCOUNT_ID": "ACCT"}


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Sources: " + ", ".join(f"{n} ({s.language})" for n, s in SOURCES.items()))
    p.add_argument("--split", choices=("tune", "heldout", "all"), default="heldout",
                   help="which documents to score (default: heldout)")
    p.add_argument("--form", choices=("written", "spoken", "both"), default="both",
                   help="score the written text, its spoken rendering, or both (default)")
    p.add_argument("--systems", default="ours,deduce", help="comma-separated: ours, deduce (default: both)")
    p.add_argument("--sources", default=",".join(SOURCES), help="comma-separated source names (default: all)")
    p.add_argument("--limit", type=int, metavar="N", help="at most N documents per source and split (quick runs)")
    p.add_argument("--mirror", type=Path, help="folder of bare git mirrors, owner+repo/repo "
                   "(default: $CURATION_BENCH_MIRROR or /work/.mirror)")
    p.add_argument("--errors", type=Path, metavar="FILE",
                   help="write misses and false alarms with context as JSON lines (of tune documents only)")
    p.add_argument("--i-know-this-is-heldout", action="store_true",
                   help="allow --errors to include held-out documents (then do not tune on them)")
    p.add_argument("--out", type=Path, default=RESULTS, help=f"JSON summary (default: {RESULTS.relative_to(ROOT)})")
    args = p.parse_args(argv)
    args.systems = [s.strip() for s in args.systems.split(",") if s.strip()]
    args.sources = [s.strip() for s in args.sources.split(",") if s.strip()]
    bad = [s for s in args.systems if s not in SYSTEMS] + [s for s in args.sources if s not in SOURCES]
    if bad:
        p.error(f"unknown system or source: {', '.join(bad)}")
    if args.errors and args.split == "heldout" and not args.i_know_this_is_heldout:
        p.error("--errors is written for the tune split only: use --split tune (or all), "
                "or add --i-know-this-is-heldout")
    return args


def run(args) -> tuple[dict, list[dict]]:
    """Score every (source, split, form, system) cell: the JSON summary and the errors kept."""
    systems = {}
    for name in args.systems:
        t0 = time.perf_counter()
        systems[name] = SYSTEMS[name]()
        print(f"{name}: loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    splits = ("tune", "heldout") if args.split == "all" else (args.split,)
    forms = ("written", "spoken") if args.form == "both" else (args.form,)
    cells, errors = [], []
    for source in args.sources:
        src = SOURCES[source]
        for split in splits:
            for form in forms:
                docs = load_docs(split, form, [source], language=None, limit=args.limit, mirror=args.mirror)
                if not docs:
                    continue
                for name, system in systems.items():
                    if src.language not in system.languages:
                        continue
                    keep = bool(args.errors) and (split == "tune" or args.i_know_this_is_heldout)
                    tally = Tally(recall_only=src.recall_only, keep_errors=keep)
                    t0 = time.perf_counter()
                    for doc in docs:
                        tally.add(doc, system.predict(doc))
                    seconds = time.perf_counter() - t0
                    cell = {"source": source, "split": split, "form": form, "system": name,
                            "seconds": round(seconds, 2), **tally.summary()}
                    cells.append(cell)
                    errors.extend({"system": name, "split": split, **e} for e in tally.errors or [])
    return {"command": " ".join(["benchmarks/pii_thirdparty.py", *sys.argv[1:]]),
            "sources": {n: SOURCES[n].pinned() for n in args.sources},
            "note": "stdnum and phonenumbers: the values come from the packages' own files, the carrier "
                    "sentences were written for this benchmark",
            "cells": cells}, errors


def _pct(x) -> str:
    return "   -" if x is None else f"{100 * x:4.0f}"


def table(cells: list[dict]) -> str:
    """The printed table: one line per source x split x form x system."""
    head = (f"{'source':12s} {'split':7s} {'form':7s} {'system':6s} {'tokens':>7s} {'pers':>5s} "
            f"{'P%':>4s} {'R%':>4s} {'PER':>4s} {'LOC':>4s} {'NLpl':>4s}  other types R% (any type)"
            f"{'':10s} FP: date>DOB  num>ACCT  org/misc  other")
    lines = [head, "-" * len(head)]
    for c in cells:
        rec = c["recall_by_type"]
        other = " ".join(f"{SHORT.get(t, t)}:{_pct(v['any_type']).strip()}({v['n']})" for t, v in rec.items()
                         if t not in ("PERSON", "LOCATION"))
        fa = c["false_alarms_by_class"]
        fp = ("" if fa is None else
              f"{fa['date'].get('DATE_OF_BIRTH', 0):>5d}/{fa['date'].get('tokens', 0):<5d} "
              f"{fa['number'].get('ACCOUNT_ID', 0):>4d}/{fa['number'].get('tokens', 0):<5d}"
              f"{fa['org_misc'].get('redacted', 0):>5d}/{fa['org_misc'].get('tokens', 0):<5d}"
              f"{fa['other'].get('redacted', 0):>5d}/{fa['other'].get('tokens', 0)}")
        lines.append(f"{c['source']:12s} {c['split']:7s} {c['form']:7s} {c['system']:6s} {c['tokens']:7d} "
                     f"{c['personal_tokens']:5d} {_pct(c['precision'])} {_pct(c['recall'])} "
                     f"{_pct(rec.get('PERSON', {}).get('any_type'))} {_pct(rec.get('LOCATION', {}).get('any_type'))} "
                     f"{_pct(c['dutch_place_names']['recall'])}  {other:34s} {fp}")
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        summary, errors = run(args)
    except SourceError as exc:
        print(f"pii_thirdparty: {exc}", file=sys.stderr)
        return 2
    print(table(summary["cells"]))
    print("\nP/R: token level, redacted under any type; PER/LOC: recall of gold PERSON/LOCATION tokens; NLpl: recall "
          "on LOCATION entities in deduce's Dutch place lists; other: recall per gold type (n tokens); FP a/b: "
          "a of b negative tokens redacted (date>DOB: dates taken for DATE_OF_BIRTH; num>ACCT: numbers taken for "
          "ACCOUNT_ID). Europeana: recall only (partial annotation). " + summary["note"] + ".")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(summary, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"summary: {args.out}")
    if args.errors:
        with open(args.errors, "w", encoding="utf-8") as fh:
            for e in errors:
                fh.write(json.dumps(e, ensure_ascii=False) + "\n")
        print(f"errors: {args.errors} ({len(errors)} misses and false alarms; third-party text: do not commit)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""`curation pii`: detect personal data in text (stdin) and evaluate detection on the corpus."""

from __future__ import annotations

import json
import sys

import click


@click.group("pii")
def pii() -> None:
    """Dutch PII detection (offline, on Presidio): names, addresses, postcodes, phone numbers,
    e-mail, IBAN, BSN, dates of birth, licence plates and customer numbers, written or spoken."""


@pii.command("detect")
@click.option("--lang", "language", type=click.Choice(["nl", "en"]), default="nl", show_default=True,
              help="Language of the text.")
@click.option("--threshold", type=float, default=None, help="Minimum score (default 0.4).")
def detect_command(language: str, threshold: float | None) -> None:
    """Read text from stdin, one utterance per line; write one JSON object per line:
    {"text": ..., "spans": [{"entity_type", "start", "end", "score", "text"}]}."""
    from curation.pii.detection import DEFAULT_THRESHOLD, detect

    stream = sys.stdin
    try:
        stream.reconfigure(errors="replace")  # undecodable bytes must not stop a batch
    except (AttributeError, ValueError):
        pass
    for raw in stream:
        line = raw.rstrip("\r\n")
        spans = detect(line, language, score_threshold=DEFAULT_THRESHOLD if threshold is None else threshold)
        click.echo(json.dumps({"text": line, "spans": [s.to_dict(line) for s in spans]}, ensure_ascii=False))


@pii.command("evaluate")
@click.option("--corpus", "corpus", type=click.Path(exists=True, file_okay=False),
              help="A generated corpus folder (transcripts with *.truth.json beside them).")
@click.option("--seeds", default=None, help="Generate and evaluate these corpus seeds, e.g. 101,102,103.")
@click.option("--calls", type=int, default=20, show_default=True, help="Calls per seed with --seeds.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.option("--misses", "max_misses", type=int, default=25, show_default=True,
              help="How many missed mentions (and false alarms) to list.")
def evaluate_command(corpus, seeds, calls, fmt, max_misses) -> None:
    """Token-level precision, recall and F2 per entity type against the synthetic corpus' ground
    truth (tune on seeds 1-5, report on held-out seeds such as 101-103)."""
    from curation.pii.evaluation import evaluate_corpus, evaluate_seeds

    if bool(corpus) == bool(seeds):
        raise click.UsageError("give either --corpus DIR or --seeds S1,S2,...")
    if seeds:
        try:
            seed_list = [int(s) for s in seeds.split(",") if s.strip()]
        except ValueError:
            raise click.BadParameter(f"{seeds!r}: expected comma-separated integers", param_hint="--seeds") from None
        report = evaluate_seeds(seed_list, calls)
    else:
        report = evaluate_corpus(corpus)
    metrics = report.metrics()
    if fmt == "json":
        metrics["misses"] = [vars(m) for m in report.misses[:max_misses]]
        metrics["false_alarms"] = [vars(a) for a in report.false_alarms[:max_misses]]
        click.echo(json.dumps(metrics, indent=2, ensure_ascii=False))
        return
    click.echo(f"{metrics['calls']} calls, {metrics['words']} words")
    click.echo(f"{'entity':18} {'precision':>9} {'recall':>7} {'f2':>7} {'support':>8}")
    for name, m in [("ALL PII", metrics["overall"])] + sorted(metrics["per_entity"].items()):
        click.echo(f"{name:18} {m['precision']:9.3f} {m['recall']:7.3f} {m['f2']:7.3f} {m['support']:8d}")
    if report.misses:
        click.echo(f"\nmisses ({len(report.misses)}, first {min(max_misses, len(report.misses))}):")
        for m in report.misses[:max_misses]:
            click.echo(f"  {m.call_id:14} {m.entity_type:16} {m.form:8} {m.text!r} -> {' '.join(m.predicted)}")
    if report.false_alarms:
        click.echo(f"\nfalse alarms ({len(report.false_alarms)}, first {min(max_misses, len(report.false_alarms))}):")
        for a in report.false_alarms[:max_misses]:
            click.echo(f"  {a.call_id:14} {a.entity_type:16} {a.text!r}")


COMMANDS = [pii]

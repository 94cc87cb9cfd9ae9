"""`curation corpus generate`: write a synthetic Dutch call corpus with ground truth."""

from __future__ import annotations

import time
from pathlib import Path

import click


@click.group("corpus")
def corpus() -> None:
    """Synthetic Dutch call corpus (espeak-ng audio, transcripts, ground truth)."""


@corpus.command("generate")
@click.option("--out", "out_dir", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the calls and manifest.csv into (created if missing).")
@click.option("--calls", default=10, show_default=True, type=click.IntRange(min=0), help="Number of calls.")
@click.option("--seed", default=1, show_default=True, type=int, help="Seed; the same seed gives the same bytes.")
@click.option("--audio-format", type=click.Choice(["wav", "mixed"]), default="wav", show_default=True,
              help="wav: all WAV; mixed: some calls as MP3 (needs ffmpeg).")
@click.option("--stereo-ratio", default=0.7, show_default=True, type=click.FloatRange(0, 1),
              help="Share of calls recorded as agent/customer stereo; the rest are mono mixes.")
@click.option("--workers", default=2, show_default=True, type=click.IntRange(min=1), help="Parallel render processes.")
@click.option("--style", type=click.Choice(["mixed", "human", "asr"]), default="mixed", show_default=True,
              help="Transcript style: human (cased, punctuated), asr (what a recogniser heard: lower case, numbers "
                   "as words, recognition errors) or mixed (about half of each).")
@click.option("--names", type=click.Choice(["faker", "deduce"]), default="faker", show_default=True,
              help="Name and place lists: faker (not the PII recognizers' lists) or deduce (the recognizers' own "
                   "lists: a mirror, for pipeline checks only).")
def generate_cmd(out_dir: Path, calls: int, seed: int, audio_format: str, stereo_ratio: float, workers: int,
                 style: str, names: str) -> None:
    """Render CALLS scripted customer-service calls with word timings and ground truth.

    Writes per call <id>.wav (or .mp3), <id>.json (transcript) and <id>.truth.json
    (PII spans, negatives, difficulty scenario, consent situation), plus manifest.csv.
    Seeds from 1000 up use held-out wording: do not tune detectors on them.
    """
    import callcorpus

    started = time.perf_counter()
    paths = callcorpus.generate(out_dir, calls=calls, seed=seed, audio_format=audio_format,
                                stereo_ratio=stereo_ratio, workers=workers, style=style, names=names)
    seconds = time.perf_counter() - started
    scenarios: dict[str, int] = {}
    audio_seconds, mentions = 0.0, 0
    for p in paths:
        truth = callcorpus.load_truth(p.with_name(p.stem + ".truth.json"))
        scenarios[truth["scenario"]] = scenarios.get(truth["scenario"], 0) + 1
        audio_seconds += truth["audio"]["duration"]
        mentions += len(truth["pii"])
    click.echo(f"wrote {len(paths)} calls to {out_dir} (manifest: {out_dir / 'manifest.csv'})")
    mix = ", ".join(f"{k} {v}" for k, v in sorted(scenarios.items()))
    click.echo(f"{audio_seconds / 60:.1f} min of audio, {mentions} PII mentions; scenarios: {mix or 'none'}; "
               f"{seconds:.1f} s")


COMMANDS = [corpus]

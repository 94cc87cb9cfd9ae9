"""The synthetic corpus is byte-reproducible across processes: a seed generated in two separate
interpreters with different hash seeds (set and dict order of strings differ between them), one
rendering in forked workers and one in spawned workers (its parent had loaded espeak-ng), gives the
same files. test_corpus.py checks the same within one process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

GENERATE = """
import sys
import callcorpus
if sys.argv[2] == "spawn":  # a parent that ran espeak-ng renders in spawned workers
    from callcorpus import speech
    speech.synthesise("hallo", speech.Voice("nl", 170, 50, 50))
    assert speech._engine is not None
callcorpus.generate(sys.argv[1], calls=2, seed=3)
"""


def _generate(out: Path, hash_seed: str, mode: str) -> dict[str, bytes]:
    env = {**os.environ, "PYTHONHASHSEED": hash_seed}
    subprocess.run([sys.executable, "-c", GENERATE, str(out), mode], check=True, env=env, timeout=120)
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


def test_the_same_seed_gives_the_same_bytes_in_other_processes(tmp_path):
    first = _generate(tmp_path / "a", "1", "fork")
    second = _generate(tmp_path / "b", "2", "spawn")
    assert sorted(first) == sorted(second)
    assert len(first) == 2 * 3 + 1  # audio, transcript and truth per call, and the manifest
    assert [name for name in first if first[name] != second[name]] == []

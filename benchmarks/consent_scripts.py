"""Re-enactment scripts against the corpus truth: for every call of held-out seeds, a clip of the
whole call is turned into a script and every true PII mention (written or spoken form) is looked
for in it. Also reports placeholders left (must be 0) and seconds per script.

    .venv/bin/python benchmarks/consent_scripts.py --seeds 21 --calls 20
"""

from __future__ import annotations

import argparse
import json
import os
import re
import tempfile
import time
from pathlib import Path


def _words(text: str) -> str:
    return " " + re.sub(r"[^\w]+", " ", text.lower()) + " "


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[21])
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--corpus", type=Path, default=None, help="Reuse (or keep) the generated corpus here.")
    args = parser.parse_args()

    import callcorpus
    from curation.catalogue import get_call
    from curation.clips import create_clip
    from curation.consent.reenactment import build_script
    from curation.consent.script import PLACEHOLDER
    from curation.ingest import ingest
    from curation.roles import add_user
    from curation.workspace import Workspace

    root = args.corpus or Path(tempfile.mkdtemp(prefix="consent-scripts-"))
    ws = Workspace.create(Path(tempfile.mkdtemp(prefix="consent-scripts-ws-")) / "ws")
    add_user(ws, "admin", "admin", user="admin")
    add_user(ws, "bench", "trainer", user="admin")
    os.environ["CURATION_USER"] = "bench"
    mentions = left = placeholders = scripts = 0
    seconds = 0.0
    misses = []
    for seed in args.seeds:
        folder = root / f"s{seed}"
        if not any(folder.glob("*.truth.json")):
            callcorpus.generate(folder, calls=args.calls, seed=seed)
        ingest(ws, [folder], actor="bench")
        for truth_path in sorted(folder.glob("*.truth.json")):
            truth = json.loads(truth_path.read_text(encoding="utf-8"))
            call = get_call(ws, truth["call_id"])
            clip = create_clip(ws, call.id, 0.0, call.duration, detect=False, user="bench")
            start = time.perf_counter()
            script = build_script(ws, clip.id, user="bench")  # the audited path a person takes
            seconds += time.perf_counter() - start
            scripts += 1
            text = _words(script.text())
            placeholders += len(PLACEHOLDER.findall(script.text()))
            for p in truth["pii"]:
                mentions += 1
                if _words(p["text"]) in text:
                    left += 1
                    misses.append({"call_id": call.id, "entity_type": p["entity_type"], "form": p["form"]})
    print(json.dumps({"seeds": args.seeds, "scripts": scripts, "pii_mentions": mentions, "left_in_scripts": left,
                      "placeholders_left": placeholders, "seconds_per_script": round(seconds / max(1, scripts), 3),
                      "misses": misses}, indent=2))


if __name__ == "__main__":
    main()

"""Consent and legal basis: detection in transcripts, a consent record per call, a policy that
decides per clip (training_allowed | reenactment_required | excluded), reviewer overrides and
actor re-enactment scripts.

- `detect(text_or_transcript, language)` -> `ConsentDetection` (pure)
- `build_record(...)` (pure), `consent_record(ws, call_id)`, `analyse_consent(ws, user=None)`
- `effective_decisions(ws, clip_ids=None, conn=None)`: the one effective-decision query (review, packs,
  widgets and the dashboard ask it); `decide_clip(ws, clip_id)` asks it for one clip,
  `clips_with_consent(ws)` for a list of clips
- `decide(record, policy)` (pure) -> `ConsentDecision`
  (`.decision`, `.reasons`, `.allows("audio" | "reenactment")`, `.explain("nl" | "en")`)
- `store_decision(conn, decision, actor)`: keep a clip's decision inside e.g. an approval transaction
- `override_decision(ws, clip_id, decision, reason, user=None)`, `set_policy(ws, text, user=None)`
- `build_script(ws, clip_id)` -> `ReenactmentScript` (`.markdown()`, `.html()`)
"""

from __future__ import annotations

from curation.consent.detect import ConsentDetection, Quote, detect
from curation.consent.policy import (DECISIONS, EXCLUDED, REENACTMENT_REQUIRED, TRAINING_ALLOWED, ConsentDecision,
                                     Policy, PolicyError, Reason, decide, default_policy, load_policy, parse_policy,
                                     workspace_policy)
from curation.consent.facts import ConsentRecord, build_record

__all__ = ["DECISIONS", "EXCLUDED", "REENACTMENT_REQUIRED", "TRAINING_ALLOWED", "ConsentDecision", "ConsentDetection",
           "ConsentRecord", "Policy", "PolicyError", "Quote", "Reason", "analyse_consent", "build_record", "build_script",
           "call_consent", "clips_with_consent", "consent_record", "correct_record", "decide", "decide_clip", "effective_decisions", "export_script", "script_for_clip", "default_policy", "detect", "evaluate_clip", "load_policy",
           "override_decision", "parse_policy", "set_policy", "store_decision", "workspace_policy"]

_LAZY = {"analyse_consent": "analysis", "call_consent": "analysis", "correct_record": "analysis",
         "decide_clip": "decisions", "clips_with_consent": "decisions", "evaluate_clip": "decisions", "override_decision": "decisions",
         "set_policy": "decisions", "store_decision": "decisions", "effective_decisions": "effective",
         "consent_record": "record", "build_script": "reenactment", "export_script": "reenactment",
         "script_for_clip": "reenactment"}


def __getattr__(name):  # workspace functions import the roles/catalogue layers only when used
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"curation.consent.{_LAZY[name]}"), name)
    raise AttributeError(name)

"""Audio anonymisation: cut clips, bleep PII intervals, verify them, disguise every voice.

Entry points: `anonymise_audio(...) -> AnonymisationReport` (plain files; fails closed),
`anonymise_call(ws, call_id, ...)` (a catalogued call: permission check, workspace key,
audit event) and `verify_audio_file` (re-check an exported file against its report). Building
blocks: `bleep` (placement and tone/silence), `verify` (no sound left besides the
tone), `voice` (disguise methods), `keys` (secret key, per-speaker parameters),
`clip` (time ranges and transcript slices).
"""

from curation.anonymise.bleep import PlacementError, Redaction
from curation.anonymise.calls import anonymise_call
from curation.anonymise.clip import ClipRange, snap
from curation.anonymise.keys import load_key, load_or_create_key, speaker_parameters
from curation.anonymise.pipeline import anonymise_audio
from curation.anonymise.report import AnonymisationReport, RedactionResult
from curation.anonymise.verify_file import verify_audio_file
from curation.anonymise.voice import METHODS, VoiceParams, disguise

__all__ = ["AnonymisationReport", "ClipRange", "METHODS", "PlacementError", "Redaction", "RedactionResult",
           "VoiceParams", "anonymise_audio", "anonymise_call", "disguise", "verify_audio_file", "load_key", "load_or_create_key", "snap",
           "speaker_parameters"]

"""Clips of calls on their way to a pack: cut, redaction spans (accept / reject / add),
anonymisation (bleep + voice disguise + redacted transcript), and audited listening.

- `create_clip(ws, call_id, start, end, title=None, snap="none", user=None)`
- `get_clip`, `list_clips`, `clip_counts` (aggregate), `redaction_spans`, `clip_transcript` (editor view),
  `redacted_transcript` (the anonymised transcript document)
- `decide_redaction(ws, clip_id, span_id, accept)`, `add_redaction(ws, clip_id, words, entity_type)`
- `anonymise_clip(ws, clip_id, user=None, progress=None)`
- `record_listening` (the stretches a player really played: what approval counts), `listening_status`
- `load_clip_audio` (bytes for a player, not a listen), `play_clip`, `export_clip_audio` (audited `clip.played`), `export_original`, `original_audio` (originals, audited)
Review decisions live in `curation.review`; packs in `curation.packs`.
"""

from curation.clips.anonymise import ClipAnonymisation, anonymise_clip
from curation.clips.audio import (NotAnonymised, export_clip_audio, export_clip_original, export_original, load_clip_audio,
                                  original_audio, play_clip)
from curation.clips.edit import (add_redaction, clip_counts, clip_transcript, create_clip, decide_redaction, get_clip, list_clips,
                                 redacted_transcript, redaction_span_rows, redaction_spans, update_clip)
from curation.clips.listening import listening_status, record_listening
from curation.clips.model import STATES, Clip, RedactionSpan
from curation.clips.store import ClipStateError, ConcurrentChange

# `anonymise` is the contract's name for the operation
anonymise = anonymise_clip
create = create_clip
get = get_clip
list = list_clips  # noqa: A001 - module-level alias mirrors the CLI (`curation clips list`)

__all__ = ["Clip", "ClipAnonymisation", "ClipStateError", "ConcurrentChange", "NotAnonymised", "RedactionSpan",
           "STATES", "add_redaction", "anonymise", "anonymise_clip", "clip_counts", "clip_transcript", "create", "create_clip",
           "decide_redaction", "export_clip_audio", "export_clip_original", "export_original", "get", "get_clip", "original_audio",
           "list_clips", "listening_status", "load_clip_audio", "play_clip", "record_listening", "redacted_transcript", "redaction_span_rows", "redaction_spans",
           "update_clip"]

"""The declarations behind `curation.inventory`: every column of every table and every kind of file
in a workspace, with whose personal data it can hold and what erasure and retention do with it.

A new column or table is declared here in the same change that adds it (a test and `curation
doctor` fail until then). Subjects: `customer` (the caller), `agent` (the employee), `user` (people
using the workbench). This module is data only: it imports no table and no stage.
"""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path

SUBJECTS = ("customer", "agent", "user")
PURPOSES = ("erasure", "retention")
TREATMENTS = ("keep", "delete_row", "overwrite", "scrub")


@dataclass(frozen=True)
class ColumnDeclaration:
    """One column: whose personal data it can hold and what each purpose does with it."""

    table: str
    column: str
    subjects: frozenset[str]
    erasure: str = "keep"
    retention: str = "keep"
    replacement: object = None   # the value `overwrite` writes
    scrubber: str | None = None  # the function `scrub` applies (curation.store.forget.SCRUBBERS)
    why: str = ""

    @property
    def personal(self) -> bool:
        return bool(self.subjects)

    def treatment(self, purpose: str) -> str:
        return {"erasure": self.erasure, "retention": self.retention}[purpose]


@dataclass(frozen=True)
class TableDeclaration:
    """A table: how its rows belong to a call (hence to a customer) and whether a purpose deletes them."""

    name: str
    belongs_to: str | None        # "call" | "clip" | None (not tied to one call)
    link: str | None              # the column holding that call's or clip's id
    erasure: str                  # "delete_rows" | "keep_rows"
    retention: str
    columns: dict[str, ColumnDeclaration] = field(default_factory=dict)
    why: str = ""

    def deletes_rows(self, purpose: str) -> bool:
        return {"erasure": self.erasure, "retention": self.retention}[purpose] == "delete_rows"


@dataclass(frozen=True)
class FileKind:
    """A kind of file in the workspace folder, found by glob patterns relative to its root."""

    name: str
    patterns: tuple[str, ...]
    subjects: frozenset[str]
    erasure: str                  # "delete" | "keep" | "revoke_packs" | "rows" (the database: per table)
    retention: str
    private: bool                 # its files must be owner-only (curation doctor checks each one)
    exported: bool = False        # goes into a subject-access export
    why: str = ""

    def matches(self, relative: str) -> bool:
        return any(fnmatch.fnmatchcase(relative, p) or relative == p.rstrip("/*") for p in self.patterns)


CUSTOMER, AGENT, USER = "customer", "agent", "user"
SPEECH = frozenset({CUSTOMER, AGENT})


def _table(name: str, belongs_to: str | None, link: str | None, erasure: str, retention: str, why: str = "", /,
           **columns: dict) -> TableDeclaration:
    cols = {}
    for column, spec in columns.items():
        spec = dict(spec)
        subjects = frozenset(spec.pop("subjects", ()))
        if erasure == "delete_rows":
            spec["erasure"] = "delete_row"
        if retention == "delete_rows":
            spec["retention"] = "delete_row"
        cols[column] = ColumnDeclaration(name, column, subjects, **spec)
    return TableDeclaration(name, belongs_to, link, erasure, retention, cols, why)


def none(why: str = "") -> dict:
    """Holds no personal data."""
    return {"why": why}


def of(*subjects: str, erasure: str = "keep", retention: str = "keep", why: str = "", **extra) -> dict:
    return {"subjects": subjects, "erasure": erasure, "retention": retention, "why": why, **extra}


def staff(why: str = "a workbench user's name") -> dict:
    return of(USER, why=why)


ERASED = dict(erasure="overwrite", replacement=None)

_TABLES = [
    _table("calls", "call", "id", "keep_rows", "keep_rows",
           "kept as a tombstone: clips and the deletion record refer to it",
           id=none("the call's id (no personal meaning)"),
           recorded_at=of(CUSTOMER, **ERASED, why="when the person called; retention is computed from it"),
           duration=none(), sample_rate=none(), channels=none(), channel_layout=none(),
           agent_id=of(AGENT, why="an employee id; a customer's erasure leaves the agent's data"),
           customer_ref_hash=of(CUSTOMER, **ERASED,
                                why="keyed hash of the customer reference; kept at retention so a later erasure "
                                    "request still finds the clips kept"),
           language=none(), topic=none(),
           source_checksum=none("SHA-256 of the recording (also in the call.imported audit event)"),
           audio_path=none("where the original was stored; the file is the `original recording` kind"),
           audio_format=none(), transcript_format=none(), transcript_checksum=none(), timings_estimated=none(),
           imported_at=none(), imported_by=staff(), metadata_json=none("codec and alignment statistics")),
    _table("speakers", "call", "call_id", "delete_rows", "delete_rows",
           call_id=none(), label=of(*SPEECH, why="a transcript's speaker label can be a name (WebVTT voice tags)"),
           role=none(), channel=none()),
    _table("turns", "call", "call_id", "delete_rows", "delete_rows",
           call_id=none(), idx=none(), speaker=of(*SPEECH, why="speaker label"), start=none(), end=none(),
           first_word=none(), last_word=none()),
    _table("words", "call", "call_id", "delete_rows", "delete_rows",
           call_id=none(), idx=none(), text=of(*SPEECH, why="what was said"), start=none(), end=none(),
           speaker=of(*SPEECH, why="speaker label"), confidence=none(), estimated=none(), aligned=none()),
    _table("users", None, None, "keep_rows", "keep_rows",
           name=staff(), role=none(), added_by=staff(), added_at=none()),
    _table("clips", "call", "call_id", "keep_rows", "keep_rows", "a revoked clip stays as a tombstone",
           id=none(), call_id=none(), start=none(), end=none(),
           title=of(USER, CUSTOMER, **ERASED, why="a trainer's words; may name the caller"),
           state=none(), created_by=staff(), created_at=none(), updated_at=none(),
           details_json=staff("who approved; consent reasons are policy texts")),
    _table("consent_records", "call", "call_id", "delete_rows", "keep_rows",
           "retention keeps the flags so the decisions on kept clips still hold",
           call_id=none(), notice_played=none(), notice_purposes=none(), legal_basis=none(),
           customer_objected=of(CUSTOMER, why="the person objected"),
           employee_informed=of(AGENT, why="the employee was informed"), secret_recording=none(),
           minor=of(CUSTOMER, why="the person is a minor"),
           special_category=of(CUSTOMER, why="the person mentioned health, religion or the like"),
           retention_until=none(), source=none(),
           details_json=of(CUSTOMER, AGENT, USER, retention="scrub", scrubber="consent_quotes",
                           why="quotes from the transcript as evidence; corrections with their reasons")),
    _table("reviews", "clip", "clip_id", "keep_rows", "keep_rows",
           id=none(), clip_id=none(), actor=staff(), action=none(),
           reason=of(USER, CUSTOMER, **ERASED, why="a reviewer's words; may quote the clip"), at=none()),
    _table("audit_events", None, None, "keep_rows", "keep_rows",
           "append-only and hash-chained: nothing is overwritten; details hold ids and counts, and of a typed "
           "reason only its length (curation.audit.TYPED_DETAILS: the words stay in their erasable table)",
           seq=none(), at=none(), actor=staff(), action=none(), object_type=none(),
           object_id=staff("ids of calls and clips; a user's name when the object is a user"),
           details_json=staff("ids and counts; never transcript text or what people typed"),
           prev_hash=none(), hash=none()),
    _table("clip_redactions", "clip", "clip_id", "delete_rows", "keep_rows",
           id=none(), clip_id=none(), first_word=none(), last_word=none(), start=none(), end=none(),
           speaker=of(*SPEECH, retention="scrub", scrubber="speaker_role",
                      why="transcript label; becomes the role when the transcript goes"),
           entity_type=none(), score=none(), source=none(), status=none(), decided_by=staff(), decided_at=none()),
    _table("clip_anonymisations", "clip", "clip_id", "delete_rows", "keep_rows",
           clip_id=none(), status=none(), blocked_reason=none(), voice_method=none(),
           files_json=none("paths and checksums of the anonymised files"),
           report_json=of(*SPEECH, why="role labels and times of the bleeps; kept with the anonymised clip"),
           rescan_json=none("times, role and type of what the re-scan found; never the text"),
           created_by=staff(), created_at=none()),
    _table("packs", None, None, "keep_rows", "keep_rows",
           "a pack holds clips of many customers; erasure revokes it (curation.packs)",
           id=none(), name=staff("the trainer's name for the pack"), title=staff("course title"),
           path=none(), sha256=none(), built_by=staff(), built_at=none(), builds=none(), state=none(),
           revoked_at=none(), revoked_reason=none()),
    _table("pack_clips", None, None, "keep_rows", "keep_rows", pack_id=none(), clip_id=none(), position=none()),
    _table("pack_builds", None, None, "keep_rows", "keep_rows",
           "every pack zip ever written; erasure deletes the workspace copies and flags the others (curation.packs)",
           id=none(), pack_id=none(), name=staff("the trainer's name for the pack"),
           path=staff("where the zip was written (a folder name may name its owner)"), location=none(),
           sha256=none(), size=none(), clip_ids_json=none("clip ids"), built_by=staff(), built_at=none(),
           state=none(), state_at=none(), state_reason=staff("why it was revoked (a reviewer's words)")),
    _table("pack_build_clips", None, None, "keep_rows", "keep_rows", build_id=none(), clip_id=none()),
    _table("consent_decisions", "clip", "clip_id", "keep_rows", "keep_rows",
           clip_id=none(), call_id=none(), decision=none(), policy_decision=none(),
           reasons_json=none("the policy's texts"), policy_name=none(), policy_digest=none(), evaluated_at=none(),
           evaluated_by=staff()),
    _table("consent_overrides", "clip", "clip_id", "keep_rows", "keep_rows",
           id=none(), clip_id=none(), decision=none(), policy_decision=none(),
           reason=of(USER, CUSTOMER, erasure="overwrite", replacement="", why="a reviewer's words; may quote the clip"),
           actor=staff(), at=none()),
    _table("original_deletions", "call", "call_id", "keep_rows", "keep_rows", "the tombstone of a deletion",
           call_id=none(), reason=none(), deleted_at=none(), deleted_by=staff(), request_id=none()),
    _table("subject_requests", None, None, "keep_rows", "keep_rows", "the tombstone of a request",
           id=none(), kind=none(), handled_at=none(), handled_by=staff(),
           summary_json=none("call ids, counts and where an export was written; never the reference")),
    _table("difficulty_scores", "call", "call_id", "delete_rows", "keep_rows",
           call_id=none(), score=none(), difficult=none(), categories=none(), category_scores_json=none(),
           top_reasons=of(*SPEECH, retention="scrub", scrubber="difficulty_quotes",
                          why="the strongest signals with a transcript quote each"),
           notes_json=none("what could not be computed"), analyser_version=none(), analysed_at=none(),
           input_digest=none("checksums of the inputs")),
    _table("difficulty_signals", "call", "call_id", "delete_rows", "keep_rows",
           "measurements of how the conversation went; erasure deletes them with the call",
           call_id=none(), name=none(), value=none(), strength=none(), available=none(), note=none(), unit=none()),
    _table("difficulty_evidence", "call", "call_id", "delete_rows", "delete_rows",
           id=none(), call_id=none(), signal=none(), rank=none(), quote=of(*SPEECH, why="a transcript quote"),
           role=none(), time=none(), end=none()),
    _table("difficulty_weights", None, None, "keep_rows", "keep_rows",
           name=none(), value=none(), updated_by=staff(), updated_at=none()),
    _table("learning_topics", None, None, "keep_rows", "keep_rows",
           name=none(), description=none(), created_by=staff(), created_at=none()),
    _table("call_tags", "call", "call_id", "delete_rows", "keep_rows",
           call_id=none(), kind=none(), name=staff("a trainer's tag or topic"), created_by=staff(), created_at=none()),
    # coaching (migration 0009): forms are organisation settings; evaluations are about an agent and
    # quote the call (customer and agent); assignments name agents and hold their reflections
    _table("coaching_forms", None, None, "keep_rows", "keep_rows",
           name=none(), version=none(), title=none(), definition=none("the form's questions and guidance"),
           created_by=staff(), created_at=none()),
    _table("coaching_agents", None, None, "keep_rows", "keep_rows", "the roster of agents who can be coached",
           name=of(AGENT, USER, why="the agent's user name"), agent_id=of(AGENT, why="the employee id calls carry"),
           team=none(), active=none(), left_at=of(AGENT, why="when the employee left"), added_by=staff(),
           added_at=none()),
    _table("coaching_evaluations", "call", "call_id", "keep_rows", "keep_rows",
           "an evaluation of the agent stays when the customer's call goes; the notes may quote the customer",
           id=none(), call_id=none(), clip_id=none(), agent_id=of(AGENT, why="whose work was evaluated"),
           form_name=none(), form_version=none(), evaluator=staff(), state=none(),
           total=of(AGENT, why="the agent's score"),
           notes=of(USER, AGENT, erasure="overwrite", replacement="",
                    why="the evaluator's words about the agent; they may quote the call, so an erasure of the "
                        "customer overwrites them; never in the customer's access export (an employee's "
                        "evaluation; what the customer said is in the transcript the export holds)"),
           created_at=none(), updated_at=none()),
    _table("coaching_evaluation_items", "call", "call_id", "keep_rows", "keep_rows",
           "answers and the analysis' suggestions stay (trainers' corrections measure the analysis)",
           evaluation_id=none(), question=none(), call_id=none(),
           prefill_value=of(AGENT, why="the analysis' suggested score for the agent"),
           prefill_json=of(AGENT, erasure="scrub", retention="scrub", scrubber="coaching_quotes",
                           why="the analysis of the agent's technique with transcript quotes of both speakers "
                               "as evidence: erasure and retention scrub the quotes; never in the customer's "
                               "access export (the quotes are in the transcript it holds)"),
           answer=of(AGENT, why="the agent's score on the question"), status=none(),
           note=of(USER, AGENT, erasure="overwrite", replacement="",
                   why="the evaluator's words about the agent; may quote the call (see notes)"),
           decided_by=staff(), decided_at=none()),
    _table("coaching_assignments", None, None, "keep_rows", "keep_rows",
           "clips of many customers; an erased customer's clip is revoked and shows as withdrawn",
           id=none(), title=staff("the trainer's title"), objectives_json=staff("the trainer's learning objectives"),
           pack_id=none(), due=none(), reflection_question=staff("the trainer's question"), created_by=staff(),
           created_at=none()),
    _table("coaching_assignment_clips", None, None, "keep_rows", "keep_rows", assignment_id=none(), clip_id=none(),
           position=none()),
    _table("coaching_assignees", None, None, "keep_rows", "keep_rows",
           assignment_id=none(), agent=of(AGENT, USER, why="the agent's user name"), state=of(AGENT),
           acknowledged_at=of(AGENT), reflection=of(AGENT, why="the agent's own answer")),
]

TABLES: dict[str, TableDeclaration] = {t.name: t for t in _TABLES}

# tables a migration creates that are not part of any stage's metadata
TECHNICAL_TABLES = frozenset({"alembic_version"})

DATABASE_FILES = ("catalogue.sqlite", "catalogue.sqlite-wal", "catalogue.sqlite-shm", "catalogue.sqlite-journal")

FILE_KINDS: tuple[FileKind, ...] = (
    FileKind("catalogue database", DATABASE_FILES, frozenset({CUSTOMER, AGENT, USER}), "rows", "rows", True,
             why="every table above; erased rows are overwritten and the file vacuumed"),
    FileKind("secret key", ("keys", "keys/*"), frozenset(), "keep", "keep", True,
             why="keys the customer-reference hashes and the voice disguise"),
    FileKind("original recording", ("originals", "originals/*"), SPEECH, "delete", "delete", True, exported=True,
             why="the recorded call, both voices; in W/originals or the audio store the workspace names "
                 "(curation.store.audio_store), deleted there too"),
    FileKind("anonymised clip", ("derived", "derived/*"), SPEECH, "delete", "keep", False, exported=True,
             why="disguised voices and redacted transcripts (names a detector missed may remain); kept after "
                 "retention as training material, deleted on erasure"),
    FileKind("clip pack", ("packs", "packs/*"), SPEECH, "revoke_packs", "keep", True,
             why="zips of anonymised clips of many customers; erasure revokes and deletes those holding the person"),
    FileKind("subject-access export", ("exports", "exports/*"), SPEECH, "delete", "delete", True,
             why="a copy of a person's recordings and data made for them"),
    FileKind("temporary work", ("tmp", "tmp/*"), SPEECH, "keep", "keep", False,
             why="staging of imports, anonymisations and exports; the journals of unfinished deletions"),
    FileKind("workspace settings", ("workspace.json",), frozenset(), "keep", "keep", True,
             why="format and database URL (which may carry the database password)"),
    FileKind("consent policy", ("policy.toml",), frozenset(), "keep", "keep", False,
             why="the organisation's consent rules"),
)


def file_kind_of(relative_path: str) -> FileKind | None:
    """The declared kind of a file given by its path relative to the workspace root (first match)."""
    rel = Path(relative_path).as_posix().lstrip("./")
    return next((k for k in FILE_KINDS if k.matches(rel)), None)

"""Ingest: recordings, transcripts (json, vtt, aws, stm) and CSV manifests into the catalogue."""

from curation.ingest.formats import FORMATS, read_transcript
from curation.ingest.importer import ImportItem, ImportOutcome, ingest, plan

__all__ = ["FORMATS", "ImportItem", "ImportOutcome", "ingest", "plan", "read_transcript"]

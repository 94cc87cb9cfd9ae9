"""Ingest: recordings, transcripts (json, vtt, aws, stm) and CSV manifests into the catalogue.

The importer (and the database layer with it) loads on first use, so reading a transcript file
(`curation anonymise --transcript`) does not pay for SQLAlchemy."""

from curation.ingest.formats import FORMATS, read_transcript

__all__ = ["FORMATS", "ImportItem", "ImportOutcome", "ingest", "ingest_upload", "plan_imports", "read_transcript", "upload_files"]
_IMPORTER = {"ImportItem", "ImportOutcome", "ingest", "ingest_upload", "plan_imports", "upload_files"}


def __getattr__(name):
    if name in _IMPORTER:
        from curation.ingest import importer

        return getattr(importer, name)
    raise AttributeError(f"module 'curation.ingest' has no attribute {name!r}")

"""Errors of the corpus generator: one line naming the file and the problem."""

from __future__ import annotations

try:  # inside the workbench, be one of its user-facing errors
    from curation.errors import CurationError as _Base
except ImportError:  # the generator also works on its own
    _Base = Exception


class CorpusError(_Base):
    """Bad arguments to the generator or an unreadable truth file."""

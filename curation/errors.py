"""Errors the workbench reports to people: one line, naming the file or object and the problem."""

from __future__ import annotations


class CurationError(Exception):
    """Base of every error meant for the user; the CLI prints it as one line and exits non-zero."""

    exit_code = 1


class WorkspaceError(CurationError):
    """The workspace is missing, unreadable, or of an unknown version."""


class ImportProblem(CurationError):
    """One input file could not be imported; the rest of the batch continues."""

    def __init__(self, path, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class PermissionDenied(CurationError):
    """The acting user's role does not allow the operation."""

    exit_code = 3


class NotFound(CurationError):
    """A call, clip, pack or user that does not exist."""

    exit_code = 4

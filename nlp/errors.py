"""Errors that name the file and the problem."""
from __future__ import annotations


class GovnlpError(Exception):
    """Base class for errors the tool reports to the user."""


class ReadError(GovnlpError):
    """A document could not be read. The message names the file and the problem."""

    def __init__(self, path: str, problem: str):
        self.path = str(path)
        self.problem = problem
        super().__init__(f"{self.path}: {problem}")


class UnsupportedFormat(ReadError):
    pass

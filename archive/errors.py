"""Errors raised by the archive for users to read.

Every message is one line and names the archive path or URL involved, so the
CLI can print ``str(exc)`` as is.
"""

from __future__ import annotations


class ArchiveError(Exception):
    """A problem with the archive that the user can act on (path, permissions, schema...)."""


class QueryError(ArchiveError):
    """A search query that the full-text engine cannot parse."""

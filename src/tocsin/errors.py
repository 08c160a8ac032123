"""One small hierarchy for bugs and unusable input; rejections of single documents are values
(:class:`tocsin.model.Skipped`), never exceptions."""

from __future__ import annotations


class TocsinError(Exception):
    """Base class: something the caller must fix. Messages say what to do."""


class ConfigError(TocsinError):
    """Bad settings or a missing model/package."""


class InputError(TocsinError):
    """A path or file the user gave cannot be read at all (not a per-document skip)."""


class KnowledgeBaseError(TocsinError):
    """A knowledge-base or lexicon file is malformed."""


class StoreError(TocsinError):
    """The database cannot be opened or migrated."""


def describe_unexpected(exc: BaseException, limit: int = 200) -> str:
    """The reason recorded for an unexpected exception in one document: its type and a
    one-line, bounded message (the traceback goes to the log)."""
    message = " ".join(str(exc).split())
    if len(message) > limit:
        message = message[: limit - 1] + "…"
    return f"unexpected {type(exc).__name__}: {message} (a bug: please report it with the log)"


class NotFoundError(TocsinError):
    """An event, story or document id that the database does not hold."""


class ReviewError(TocsinError):
    """A review that cannot be applied (unknown action, an invalid corrected value)."""


class FetchError(TocsinError):
    """A URL could not or may not be fetched (refused address, HTTP error, too large, timeout).
    ``tocsin watch`` records it as the reason of a skip and goes on; it never stops a run."""

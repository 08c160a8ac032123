"""Tocsin: nuclear-signaling events from multilingual news, sourced and traceable.

Library first::

    from tocsin import Settings, extract_paths
    for result in extract_paths(["article.txt"], Settings()):
        for event in result.events:
            print(event.to_json())
"""

from .model import Article, DocumentResult, Event, RawDocument, Skipped
from .pipeline import extract_paths, process_document
from .settings import DEFAULT_SETTINGS, Settings

__version__ = "0.1.0"
__all__ = [
    "Article", "DocumentResult", "Event", "RawDocument", "Skipped", "Settings",
    "DEFAULT_SETTINGS", "extract_paths", "process_document", "__version__",
]

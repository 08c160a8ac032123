"""Safe renderings of stored text for other programs: CSV cells that a spreadsheet will not
run as formulas, and terminal text that is never read as markup."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from .model import Event

# OWASP's CSV-injection rule: a cell beginning with one of these is a formula to Excel,
# LibreOffice or Google Sheets. Full-width forms are included: some spreadsheets fold them.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")

EVENT_CSV_COLUMNS = ("event_id", "doc", "type", "date", "actor", "actor_country", "target",
                     "weapon", "location", "modality", "attribution", "confidence",
                     "language", "sentence")


def csv_cell(value: Any) -> str:
    """A CSV cell that no spreadsheet evaluates: text starting like a formula gets a leading
    apostrophe (shown by spreadsheets as text, as OWASP recommends). Numbers are kept."""
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def event_csv_rows(events: Iterable[Event]) -> Iterator[list[str]]:
    """The header and one row per event, every cell neutralised."""
    yield list(EVENT_CSV_COLUMNS)
    for e in events:
        attribution = e.attribution.name if e.attribution else None
        row: list[Any] = [
            e.event_id, e.doc, e.type, e.date.isoformat() if e.date else "",
            e.actor.name if e.actor else "", e.actor.country if e.actor else "",
            e.target.name if e.target else "", e.weapon.name if e.weapon else "",
            e.location.name if e.location else "", e.modality, attribution or "",
            round(e.confidence, 3), e.language, e.sentence]
        yield [csv_cell(v) for v in row]

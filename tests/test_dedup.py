"""Near-duplicate detection: a wire story on three 'sites' with different furniture."""

from __future__ import annotations

from datetime import date

from tocsin.clean import clean
from tocsin.dedup import find_near_duplicates, shingles, signature
from tocsin.ingest import content_id
from tocsin.model import Article, RawDocument
from tocsin.settings import Settings

WIRE = ("Russia's defence ministry said on Tuesday that the second stage of its exercises with "
        "non-strategic nuclear weapons had begun in the Leningrad Military District, with "
        "Iskander-M crews practising how to receive special munitions and move them in "
        "secret to launch positions. Belarusian units joined the drills, the ministry added, "
        "in what Western officials described as a message aimed at NATO's eastern members.")
OTHER = ("Ukraine's foreign ministry summoned the Hungarian ambassador on Monday after "
         "remarks on the status of the Transcarpathian region, in a dispute that has "
         "simmered for years over minority language rights and school curricula.")


def article(doc: str, body: str, furniture: str, published: date) -> Article:
    text = f"Top stories\n\n{body}\n\n{furniture}\n"
    raw = RawDocument(doc=doc, content_id=content_id("text", text), content=text,
                      published=published)
    art = clean(raw, Settings())
    assert isinstance(art, Article)
    return art


def test_syndicated_copies_link_to_the_earliest_and_nothing_else() -> None:
    arts = [
        article("site-b.txt", WIRE + " Moscow gave no further details.", "Share this\n\nMenu",
                date(2024, 6, 12)),
        article("site-a.txt", WIRE, "Read more\n\nHome\n\nContacts", date(2024, 6, 11)),
        article("site-c.txt", WIRE.replace("Tuesday", "Tuesday (11 June)"),
                "Follow us\n\nSport", date(2024, 6, 13)),
        article("other.txt", OTHER, "Share this\n\nMenu", date(2024, 6, 11)),
    ]
    dups = find_near_duplicates(arts)
    assert {(d.doc, d.original) for d in dups} == {("site-b.txt", "site-a.txt"),
                                                 ("site-c.txt", "site-a.txt")}
    assert all(d.similarity >= 0.6 for d in dups)


def test_signatures_are_deterministic_and_estimate_jaccard() -> None:
    a, b = shingles(WIRE), shingles(WIRE + " An extra closing sentence here.")
    sa, sb = signature(a), signature(b)
    assert (signature(a) == sa).all()
    estimate = float((sa == sb).mean())
    exact = len(a & b) / len(a | b)
    assert abs(estimate - exact) < 0.15

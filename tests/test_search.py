"""Search across languages (issue 10, item 1): entity filters on canonical ids and full-text
search, accent- and case-insensitive, on SQLite and (with TOCSIN_TEST_PG_URL) PostgreSQL.

Three articles about the same deployment in English, French and Russian; the ids stored with
the events are what the extractor writes (ISO codes, knowledge-base ids)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests import test_store
from tocsin.errors import InputError
from tocsin.gazetteer import Gazetteer, build_gazetteer
from tocsin.knowledge import Knowledge, load_knowledge
from tocsin.model import Article, DocumentResult, Entity, Event, EventDate, Paragraph
from tocsin.search import SearchQuery, build_filter, expand_text, resolve, search_events
from tocsin.settings import Settings
from tocsin.store import Store, open_store

RUSSIA = Entity("Russia", "RUS", "RUS")
PUTIN = Entity("Vladimir Putin", "RUS", "vladimir-putin")
BELARUS = Entity("Belarus", "BLR", "BLR")
ISKANDER = Entity("Iskander-M", "RUS", "iskander-m")

DOCS: list[tuple[str, str, str, list[tuple[str, str, dict[str, object]]]]] = [
    ("en/a.txt", "en", "Russia will station tactical nuclear weapons in Belarus, Putin said. "
     "The Ministry of Defense confirmed the Iskander drills.",
     [("ev-en", "deployment", {"actor": RUSSIA, "location": BELARUS}),
      ("ev-en2", "exercise", {"actor": RUSSIA, "weapon": ISKANDER})]),
    ("fr/a.txt", "fr", "Vladimir Poutine a annoncé que la Russie installerait des armes "
     "nucléaires tactiques en Biélorussie. Le ministère de la Défense l'a confirmé.",
     [("ev-fr", "deployment", {"actor": PUTIN, "location": BELARUS})]),
    ("ru/a.txt", "ru", "Путин заявил о размещении тактического ядерного оружия в Белоруссии. "
     "Учения с «Искандерами» прошли у границы.",
     [("ev-ru", "deployment", {"actor": PUTIN, "location": BELARUS}),
      ("ev-ru2", "exercise", {"actor": RUSSIA, "weapon": ISKANDER})]),
]


def result(doc: str, lang: str, text: str, specs: list[tuple[str, str, dict[str, object]]],
           url: str | None = None, published: date | None = None) -> DocumentResult:
    cid = (doc.replace("/", "_") * 8)[:32]
    sents = test_store.sentences_of(text)
    evs = []
    for i, (event_id, etype, fields) in enumerate(specs):
        s = sents[i % len(sents)] if etype != "exercise" else sents[-1]
        base: dict[str, object] = {"actor": None, "target": None, "weapon": None,
                                   "location": None, "date": EventDate(2023, 3, 25),
                                   "modality": "asserted", "attribution": None, "quote": None,
                                   "confidence": 0.8, "language": lang}
        base.update(fields)
        evs.append(Event(event_id=event_id, doc=doc, content_id=cid, type=etype,
                         span=(s.start, s.end), sentence=text[s.start:s.end],
                         **base))  # type: ignore[arg-type]
    article = Article(doc=doc, content_id=cid, text=text, language=lang,
                      paragraphs=(Paragraph(0, len(text), lang),), url=url,
                      published=published)
    return DocumentResult(doc=doc, content_id=cid, article=article, sentences=sents,
                          events=tuple(evs))


def fill(store: Store) -> Store:
    run = store.begin_run(Settings(), ["test"])
    for doc, lang, text, specs in DOCS:
        store.save(result(doc, lang, text, specs), run)
    store.finish_run(run, "done", {})
    return store


# a fresh database on SQLite, and on PostgreSQL when set
db_target, open_db = test_store.db_target, test_store.open_db


@pytest.fixture
def db(open_db: test_store.Opener) -> Store:
    return fill(open_db())


@pytest.fixture(scope="module")
def kb() -> Knowledge:
    return load_knowledge()


@pytest.fixture(scope="module")
def gz(kb: Knowledge) -> Gazetteer:
    return build_gazetteer(kb)


def ids(found: list[Event]) -> set[str]:
    return {e.event_id for e in found}


@pytest.mark.parametrize("name", ["Belarus", "Biélorussie", "bielorussie", "Белоруссия",
                                  "Білорусь", "BLR"])
def test_location_in_any_language_finds_all_languages(db: Store, kb: Knowledge,
                                                      gz: Gazetteer, name: str) -> None:
    assert ids(search_events(db, SearchQuery(location=name), kb, gz)) == {
        "ev-en", "ev-fr", "ev-ru"}


def test_entity_filters(db: Store, kb: Knowledge, gz: Gazetteer) -> None:

    def q(**kw: object) -> set[str]:
        return ids(search_events(db, SearchQuery(**kw), kb, gz))  # type: ignore[arg-type]

    assert q(actor="Poutine") == q(actor="Путин") == q(actor="vladimir-putin") == {
        "ev-fr", "ev-ru"}
    assert q(actor="Russie") == {"ev-en", "ev-en2", "ev-ru2"}    # the state as an actor
    assert q(country="Russia") == q(country="rus") == q(country="Россия") == {
        "ev-en", "ev-en2", "ev-fr", "ev-ru", "ev-ru2"}
    assert q(weapon="Іскандер") == q(weapon="Iskander") == {"ev-en2", "ev-ru2"}
    assert q(location="Belarus", actor="Putin") == {"ev-fr", "ev-ru"}
    assert q(location="Belarus, Russia") == {"ev-en", "ev-fr", "ev-ru"}
    assert q(actor="Nobody Known") == set()      # unknown speakers: a name substring
    with pytest.raises(InputError, match="--weapon 'Vardstorm'"):
        q(weapon="Vardstorm")
    with pytest.raises(InputError, match="--location"):
        q(location="Atlantis")


def test_story_filter(db: Store, kb: Knowledge, gz: Gazetteer) -> None:
    db.replace_derived(
        [{"story_id": "s1", "type": "deployment", "first_day": None, "n_mentions": 2,
          "n_sources": 2, "languages": "en,fr", "flags": "[]", "title": "t",
          "first_seen": None}],
        [{"event_id": "ev-en", "story_id": "s1", "novelty": "new"},
         {"event_id": "ev-fr", "story_id": "s1", "novelty": "repeat"}], [])
    assert ids(search_events(db, SearchQuery(story="s1"), kb, gz)) == {"ev-en", "ev-fr"}
    assert search_events(db, SearchQuery(story="nope"), kb, gz) == []


def test_full_text_names_cross_languages(db: Store, kb: Knowledge, gz: Gazetteer) -> None:

    def q(text: str, expand: bool = True) -> set[str]:
        return ids(search_events(db, SearchQuery(text=text, expand=expand), kb, gz))

    assert q("Belarus") == {"ev-en", "ev-fr", "ev-ru"}
    assert q("Belarus", expand=False) == {"ev-en"}
    assert q("Belarus tactical") == {"ev-en"}
    assert q("BIÉLORUSSIE nucleaires") == {"ev-fr"}      # case and accents ignored
    assert q("nucl* Belarus") == {"ev-en", "ev-fr"}
    assert q("defense") == q("Défense") == {"ev-en2"}
    assert q('"Belarus" OR (x') == set()    # input is never query syntax: all words needed


def test_accents_folded_on_both_backends(db: Store, kb: Knowledge, gz: Gazetteer) -> None:
    assert ids(search_events(db, SearchQuery(text="annonce installerait"), kb, gz)) == {
        "ev-fr"}
    assert ids(search_events(db, SearchQuery(text="ANNONCÉ"), kb, gz)) == {"ev-fr"}


def test_expand_text_groups(kb: Knowledge, gz: Gazetteer) -> None:
    groups = expand_text(kb, gz, "nuclear Biélorussie drill*")
    assert groups[0] == ("nuclear",) and groups[-1] == ("drill*",)
    assert {"Belarus", "Белоруссия", "Білорусь"} <= set(groups[1])
    with pytest.raises(InputError):
        expand_text(kb, gz, " ?! ")
    assert resolve(kb, gz, "country", "NATO") == ("NATO",)
    assert build_filter(SearchQuery(actor="Путин"), kb, gz).actor_ids == ("vladimir-putin",)


def test_cli_events_filters(tmp_path: Path) -> None:
    db = tmp_path / "s.db"
    with open_store(str(db)) as st:
        fill(st)
    env_run = [sys.executable, "-m", "tocsin", "events", "--db", str(db), "--format", "jsonl"]
    out = subprocess.run([*env_run, "--location", "Белоруссия"], capture_output=True,
                         text=True, check=True)
    assert len(out.stdout.splitlines()) == 3
    bad = subprocess.run([*env_run, "--weapon", "Vardstorm"], capture_output=True, text=True)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--weapon" in bad.stderr
    bad = subprocess.run([*env_run, "--since", "2023-13-01"], capture_output=True, text=True)
    assert bad.returncode == 2 and "'--since'" in bad.stderr

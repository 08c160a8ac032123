"""Ukrainian and Russian, read in the original (sentences written for these tests; real
actors from the bundled knowledge base)."""

from __future__ import annotations

from datetime import date

from tocsin.clean import clean
from tocsin.gazetteer import default_gazetteer
from tocsin.ingest import content_id
from tocsin.model import Article, Event, RawDocument
from tocsin.pipeline import process_document
from tocsin.settings import Settings
from tocsin.slavic import RussianPipeline, person_name


def events(text: str, published: date | None = None) -> list[Event]:
    raw = RawDocument(doc="t.txt", content_id=content_id("text", text), content=text,
                      published=published)
    res = process_document(raw, Settings(learned=False))   # the rules, without the learned layer
    assert res.skipped is None, res.skipped
    return list(res.events)


def test_ukrainian_reported_exercise_with_inflected_forms() -> None:
    found = events("Міністр оборони Білорусі Віктор Хренін заявив у вівторок, що білоруські "
                   "екіпажі розпочали навчання з «Іскандерами», здатними нести ядерну зброю.",
                   published=date(2024, 5, 23))
    assert [e.type for e in found] == ["exercise"]
    e = found[0]
    assert e.language == "uk" and e.actor is not None and e.actor.country == "BLR"
    assert e.weapon is not None and e.weapon.name == "Iskander-M"
    assert e.date is not None and (e.date.month, e.date.day) == (5, 21)


def test_russian_threat_conditional_and_hedged_assessment() -> None:
    found = events("Дмитрий Медведев заявил, что в случае нападения на Крым Россия применит "
                   "ядерное оружие.\n\nПо данным разведки Украины, не исключено, что Кремль "
                   "и дальше будет прибегать к ядерному шантажу.")
    assert [e.type for e in found] == ["threat", "assessment"]
    threat, judged = found
    assert threat.actor is not None and threat.actor.name == "Dmitry Medvedev"
    assert threat.modality == "conditional"
    assert judged.actor is not None and judged.actor.country == "UKR"
    assert judged.modality == "hedged"


def test_nuclear_power_plant_is_not_a_signal() -> None:
    assert events("Фахівці МАГАТЕ повідомили про відновлення живлення Запорізької АЕС після "
                  "чергового обстрілу.\n\nСитуація на станції залишається напруженою.") == []


def test_russian_docs_keep_offsets_and_sentences() -> None:
    text = "Шойгу  заявил,\nчто учения начались. По словам Пескова, Москва не намерена."
    doc = RussianPipeline()(text)
    assert doc.text == text
    assert [s.text for s in doc.sents][-1].startswith("По словам")


def test_unknown_names_become_latin_nominatives() -> None:
    assert person_name("Игоря Соколова", "ru") == "Igor Sokolov"
    assert person_name("Олексія Данілова", "uk") == "Oleksiy Danilov"


def test_inflected_forms_match_through_lemmas() -> None:
    found = default_gazetteer().find("переговоры с Лукашенке", 0, None, "ru")
    assert any(r.id == "alexander-lukashenko" for m in found for r in m.refs)


def test_mixed_language_paragraphs_keep_their_own_language() -> None:
    text = ("Президент України заявив, що Москва знову погрожує ядерною зброєю, і закликав "
            "партнерів не піддаватися на шантаж.\n\n"
            "«Россия оставляет за собой право применить ядерное оружие в ответ на агрессию», "
            "— написал Дмитрий Медведев в своем канале.\n\n"
            "Партнери України засудили ці заяви як безвідповідальні.")
    raw = RawDocument(doc="m.txt", content_id=content_id("text", text), content=text)
    art = clean(raw, Settings())
    assert isinstance(art, Article) and art.language == "uk"
    assert [p.language for p in art.body] == ["uk", "ru", "uk"]
    langs = {e.language for e in events(text)}
    assert "ru" in langs


def test_french_article_with_english_quote() -> None:
    text = ("Le secrétaire général de l'OTAN a répondu sans détour aux menaces nucléaires "
            "du Kremlin lors de la conférence de presse de jeudi, à Bruxelles, devant une "
            "salle comble de journalistes venus de toute l'Europe.\n\n"
            "Il a rappelé que l'Alliance suivait de près les mouvements des forces russes et "
            "qu'aucun changement de posture n'avait été constaté à ce stade.\n\n"
            "\"Any use of nuclear weapons would have severe consequences for Russia, and "
            "Moscow knows it very well\", Jens Stoltenberg told reporters in Brussels.")
    raw = RawDocument(doc="q.txt", content_id=content_id("text", text), content=text)
    art = clean(raw, Settings())
    assert isinstance(art, Article) and art.language == "fr"
    assert [p.language for p in art.body] == ["fr", "fr", "en"]


def test_ukrainian_persons_are_a_known_first_name_and_a_capitalised_word() -> None:
    from tocsin.slavic import UkrainianPipeline

    nlp = UkrainianPipeline()
    doc = nlp("За словами Олени Ковальчук, аналітик Дмитро Шевчук і Олена з Києва не згодні.")
    assert [e.text for e in doc.ents] == ["Олени Ковальчук", "Дмитро Шевчук"]

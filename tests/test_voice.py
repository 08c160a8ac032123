"""Whose voice an official text is (tocsin.voice), and the day a report's lede gives."""

from __future__ import annotations

import pytest

from tocsin.nlp import get_resources
from tocsin.pipeline import process_document
from tocsin.reading import Context
from tocsin.settings import Settings
from tocsin.voice import document_voice, header_lines

from .test_learned import doc

# Texts written for these tests.
STATEMENT_HEADER = ("Département d’État des États-Unis\n"
                    "Bureau du porte-parole\n"
                    "Le 12 juin 2024\n\n")
STATEMENT_BODY = ("Nous condamnons fermement les menaces répétées d’emploi de l’arme nucléaire "
                  "proférées par les dirigeants russes au cours des dernières semaines.\n\n"
                  "Ces déclarations irresponsables mettent en danger la sécurité de tous les "
                  "États de la région et nous appelons Moscou à y renoncer.")
NEWS_HEADER = "Poutine ordonne des exercices nucléaires près de l’Ukraine\n\n"


def voice_of(text: str, language: str) -> str | None:
    from tocsin.actors import Actors

    res = get_resources(Settings())
    actors = Actors(res.kb, res.gazetteer, text, None, Context())
    found = document_voice(text, language, res.kb.lexicons, res.gazetteer,
                           actors.mention_from_match)
    return found.entity.country if found is not None else None


@pytest.mark.parametrize(("text", "language", "country"), [
    (STATEMENT_HEADER + STATEMENT_BODY, "fr", "USA"),
    # a translated page keeps its site's banner, in the site's language
    ("An official website of the United States Government\n" + STATEMENT_BODY, "fr", "USA"),
    # a headline is not a name line: it tells what someone did
    (NEWS_HEADER + STATEMENT_BODY, "fr", None),
    # a section name (a country alone) speaks for no one
    ("Monde\nRussie\n\n" + STATEMENT_BODY, "fr", None),
])
def test_the_voice_is_the_issuer_named_above_the_body(text: str, language: str,
                                                      country: str | None) -> None:
    assert voice_of(text, language) == country


def test_the_header_ends_at_the_first_body_line() -> None:
    text = STATEMENT_HEADER + STATEMENT_BODY + "\n\nDépartement d’État des États-Unis\n"
    lines = [text[a:b] for a, b in header_lines(text)]
    assert lines == ["Département d’État des États-Unis", "Bureau du porte-parole",
                     "Le 12 juin 2024"]


def test_an_official_texts_first_person_and_judgments_are_its_issuers() -> None:
    """Without the header, a French text's unsigned judgment speaks from France (the side a
    French daily mostly quotes); with it, from the United States."""
    s = Settings()

    def sides(text: str) -> set[str | None]:
        return {e.actor.country if e.actor else None
                for e in process_document(doc(text), s).events
                if e.type in ("reaction", "assessment")}

    issued = sides(STATEMENT_HEADER + STATEMENT_BODY)
    assert issued == {"USA"}
    assert sides(NEWS_HEADER + STATEMENT_BODY) != {"USA"}


LUKASHENKO = ("Minsk Daily | Politics | 14.06.2023\n\n"
              "Lukashenko: Russian nuclear bombs are already in Belarus\n\n"
              "Belarus has already received part of the Russian tactical nuclear weapons, "
              "President Alexander Lukashenko said in an interview with Russian state "
              "television.\n\n"
              "Excerpts of the interview were shown on the evening of June 13.")


def test_the_lede_dates_the_news_told_before_it() -> None:
    """A headline and a first sentence without a date, then "shown on June 13": the news is
    of the 13th, not of the publication day (the 14th)."""
    events = process_document(doc(LUKASHENKO, "2023-06-14"), Settings()).events
    first = min(events, key=lambda e: e.span[0])
    assert first.date is not None and (first.date.month, first.date.day) == (6, 13)


BRIEFING = ("Ministry of Foreign Affairs of Ukraine\n"
            "Briefing by the Spokesperson\n\n"
            "SPOKESPERSON: Good afternoon. We regard the Kremlin's latest nuclear threats as "
            "blackmail meant to frighten our partners.\n\n"
            "QUESTION: Does the ministry expect Belarus to host more Russian nuclear weapons?\n\n"
            "Dmitry Peskov: We have never threatened anyone with nuclear weapons, and we "
            "regard such claims as lies.\n")


def test_a_speaker_label_gives_its_turn_a_voice() -> None:
    """"SPOKESPERSON:" speaks for the issuer named in the header; a label naming someone
    else ("Dmitry Peskov:") makes the turn theirs."""
    events = process_document(doc(BRIEFING, "2023-03-27"), Settings()).events

    def sides(marker: str) -> set[str | None]:
        return {e.actor.country if e.actor else None for e in events if marker in e.sentence}

    assert sides("blackmail") == {"UKR"}
    assert sides("never threatened") == {"RUS"}


def test_a_person_of_no_known_side_gives_way_to_the_side_named_after() -> None:
    """"The presenter Borodin quoted Ryabkov: Russia reserves the right …": not Borodin's."""
    from types import SimpleNamespace
    from typing import cast

    from tocsin.extract import side_named_after
    from tocsin.model import Entity
    from tocsin.reading import Mention, SentenceReading

    presenter = Mention(10, 17, Entity("Borodin", None, None), "person")
    ryabkov = Mention(30, 44, Entity("Sergei Ryabkov", "RUS", "sergei-ryabkov"), "person")
    russia = Mention(46, 52, Entity("Russia", "RUS", "RUS"), "country")
    before = Mention(0, 5, Entity("United States", "USA", "USA"), "country")

    def reading(*mentions: Mention) -> SentenceReading:
        return cast(SentenceReading, SimpleNamespace(mentions=mentions))

    assert side_named_after(presenter, reading(before, presenter, russia, ryabkov)) == ryabkov
    assert side_named_after(presenter, reading(before, presenter, russia)) == russia
    assert side_named_after(presenter, reading(before, presenter)) is None


INTERVIEW = ("«Иллюзий быть не должно»: Сергей Рябков о договоре и ракетах\n\n"
             "Мы поговорили с заместителем министра иностранных дел Сергеем Рябковым о том, "
             "что будет после истечения договора.\n\n"
             "— Американцы говорят о возобновлении ядерных испытаний. Что вы ответите?\n\n"
             "— Если Соединённые Штаты проведут ядерное испытание, мы ответим зеркально.\n\n"
             "— Готова ли Россия вернуть боезаряды на носители?\n\n"
             "— Мы не будем наращивать ядерный арсенал первыми.\n")


def test_an_interviews_dash_answers_are_the_interviewees() -> None:
    """"— question? / — answer": the answers' first person is the person the headline and
    the introduction name; the questions are no one's voice."""
    from tocsin.actors import Actors
    from tocsin.voice import interviewee

    res = get_resources(Settings())
    actors = Actors(res.kb, res.gazetteer, INTERVIEW, None, Context())
    found = interviewee(INTERVIEW, "ru", res.gazetteer, actors.mention_from_match)
    assert found is not None and found.entity.name == "Sergei Ryabkov"
    # a dialogue that asks nothing is not an interview
    told = INTERVIEW.replace("?", ".")
    assert interviewee(told, "ru", res.gazetteer, actors.mention_from_match) is None

    events = process_document(doc(INTERVIEW, "2026-02-10"), Settings(learned=False)).events
    answer = [e for e in events if "ответим зеркально" in e.sentence]
    assert answer and answer[0].actor is not None
    assert answer[0].actor.name == "Sergei Ryabkov"


def test_a_dash_quote_the_writer_attributes_is_its_speakers_not_the_interviewees() -> None:
    """"— Мы не будем первыми …, — заявил Рябков": in a talk show's dash turns the writer
    names who speaks, and that person is the speaker, whoever the introduction names."""
    text = ("Ток-шоу: Сергей Рябков и Дмитрий Песков о ядерных испытаниях\n\n"
            "В эфире выступили замминистра Сергей Рябков и пресс-секретарь Дмитрий Песков.\n\n"
            "— Будет ли Россия проводить ядерные испытания?\n\n"
            "— Если США проведут испытание, мы ответим зеркально, — сказал Песков.\n\n"
            "— А что с размещением?\n\n"
            "— Мы не будем первыми размещать ядерное оружие, — заявил Рябков.\n")
    events = process_document(doc(text, "2026-02-10"), Settings(learned=False)).events
    said = [e for e in events if "заявил Рябков" in e.sentence]
    assert said and said[0].actor is not None and said[0].actor.name == "Sergei Ryabkov"


"""Golden tests for date expressions in the four languages (stage: dates)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from tocsin.dates import document_years, find_anaphors, find_dates, shift
from tocsin.model import EventDate

PUB = date(2024, 11, 21)   # a Thursday


@pytest.mark.parametrize("lang,text,published,expected", [
    ("fr", "Le 4 avril, il a parlé.", PUB, (2024, 4, 4)),
    ("fr", "Le 25 décembre, il a parlé.", PUB, (2023, 12, 25)),      # after publication: last year
    ("fr", "Le 1er juillet 2023, tout était fini.", None, (2023, 7, 1)),
    ("en", "In December the drills were held.", PUB, (2023, 12, None)),   # month only: last year
    ("en", "In October the drills were held.", PUB, (2024, 10, None)),
    ("ru", "В декабре прошли учения.", date(2025, 9, 1), (2024, 12, None)),
    ("fr", "Hier, le ministre a parlé.", PUB, (2024, 11, 20)),
    # the night before a report is the day before it; this evening is the report's day
    ("en", "Speaking at a dinner last night, the president warned of war.", PUB, (2024, 11, 20)),
    ("en", "The minister will address the nation tonight.", PUB, (2024, 11, 21)),
    ("fr", "Le ministre a réagi la nuit dernière.", PUB, (2024, 11, 20)),
    ("uk", "Минулої ночі ворог запустив ракети.", PUB, (2024, 11, 20)),
    ("ru", "Прошлой ночью министр выступил с заявлением.", PUB, (2024, 11, 20)),
    ("fr", "Mardi, le ministre a parlé.", PUB, (2024, 11, 19)),
    ("fr", "Jeudi, le ministre a parlé.", PUB, (2024, 11, 21)),      # the publication day itself
    ("fr", "En février 2023, rien.", None, (2023, 2, None)),
    ("en", "On March 25, 2023, he spoke.", None, (2023, 3, 25)),
    ("en", "On Tuesday he spoke.", PUB, (2024, 11, 19)),
    ("en", "Yesterday he spoke.", PUB, (2024, 11, 20)),
    ("uk", "4 квітня він заявив.", PUB, (2024, 4, 4)),
    ("uk", "Учора він заявив.", PUB, (2024, 11, 20)),
    ("uk", "У вівторок він заявив.", PUB, (2024, 11, 19)),
    ("ru", "25 марта 2023 года он заявил.", None, (2023, 3, 25)),
    ("ru", "В понедельник он заявил.", PUB, (2024, 11, 18)),
    ("ru", "Вчера он заявил.", PUB, (2024, 11, 20)),
])
def test_expressions_resolve(lang: str, text: str, published: date | None,
                             expected: tuple[int | None, int | None, int | None]) -> None:
    found = find_dates(text, 0, len(text), lang, published, document_years(text), None)
    assert found, text
    d = found[0].date
    assert (d.year, d.month, d.day) == expected


def test_no_publication_date_means_no_relative_date_and_no_invented_year() -> None:
    text = "Mardi, le 4 avril, il a parlé."
    found = find_dates(text, 0, len(text), "fr", None, (), None)
    assert [(d.date.year, d.date.month, d.date.day) for d in found] == [(None, 4, 4)]


def test_year_inferred_from_the_nearest_explicit_year() -> None:
    text = "En février 2023, des équipages ont été formés. Le 3 avril, ils ont commencé."
    found = find_dates(text, 0, len(text), "fr", None, document_years(text), None)
    assert found[-1].date == EventDate(2023, 4, 3)


def test_deadline_is_marked() -> None:
    cue = re.compile(r"\bd'ici(?: le)?\b")
    text = "Le stockage sera prêt d'ici le 1er juillet 2023."
    (d,) = find_dates(text, 0, len(text), "fr", None, (), cue)
    assert d.deadline


def test_anaphoric_dates_shift_the_previous_one() -> None:
    (a,) = find_anaphors("Trois jours plus tard, il a confirmé.", 0, 40, "fr")
    assert shift(EventDate(2023, 6, 13), a.days) == EventDate(2023, 6, 16)
    (b,) = find_anaphors("The next day he added.", 0, 30, "en")
    assert shift(EventDate(None, 6, 30), b.days) == EventDate(None, 7, 1)


@pytest.mark.parametrize("lang,text,expected", [
    ("ru", "С 3 апреля начнётся обучение расчётов.", (2023, 4, 3)),      # from: ahead
    ("ru", "Указ от 3 апреля вступил в силу.", (2022, 4, 3)),             # dated: behind
    ("en", "Training starts from April 3.", (2023, 4, 3)),
])
def test_a_starting_point_after_publication_is_this_year(lang: str, text: str,
                                                          expected: tuple[int, int, int]) -> None:
    found = find_dates(text, 0, len(text), lang, date(2023, 3, 25), (), None)
    assert found and (found[0].date.year, found[0].date.month, found[0].date.day) == expected


@pytest.mark.parametrize("lang,text,expected", [
    ("fr", "Il l'avait annoncé fin septembre.", (2024, 9, None)),
    ("fr", "Le ministre a assuré début novembre que rien ne changerait.", (2024, 11, None)),
    ("fr", "Les frappes simulées de mi-octobre 2023 ont inquiété.", (2023, 10, None)),
    ("en", "He had announced it at the end of September.", (2024, 9, None)),
    ("en", "The September launch was the first in years.", (2024, 9, None)),
    ("ru", "Об этом он сообщил в конце сентября.", (2024, 9, None)),
    ("uk", "Про це він повідомив наприкінці вересня.", (2024, 9, None)),
    ("uk", "На початку грудня відбулися навчання.", (2023, 12, None)),   # after publication
])
def test_a_part_of_a_month_dates_to_the_month(lang: str, text: str,
                                              expected: tuple[int, int, None]) -> None:
    (d,) = find_dates(text, 0, len(text), lang, PUB, (), None)
    assert (d.date.year, d.date.month, d.date.day) == expected


@pytest.mark.parametrize("lang,text", [
    ("en", "The march on the capital was stopped."),            # a noun, not a month
    ("en", "The September 11 attacks changed the doctrine."),   # a named day, not a month
    ("en", "No test has been held since the end of September."),
    ("fr", "Aucun essai depuis fin septembre."),
])
def test_a_month_part_that_is_no_date_of_the_event(lang: str, text: str) -> None:
    assert all(d.date.month != 9 or d.date.day is not None
               for d in find_dates(text, 0, len(text), lang, PUB, (), None)), text
    if "march" in text:
        assert find_dates(text, 0, len(text), lang, PUB, (), None) == []

"""Fields of news reports, read by the rules with the shipped knowledge base: short names in
headlines, bodies of a named state, wire datelines. The texts are written for these tests."""

from __future__ import annotations

from tocsin.knowledge import load_knowledge
from tocsin.model import Event, EventDate
from tocsin.settings import Settings

from .test_extract import events

RULES = Settings(learned=False)


def starting(found: list[Event], words: str) -> Event:
    """The event of the sentence that starts with ``words``."""
    chosen = [e for e in found if e.sentence.startswith(words)]
    assert chosen, [e.sentence for e in found]
    return chosen[0]


def test_a_headlines_bare_name_is_the_person_the_body_names_in_full() -> None:
    found = events(
        "Kim threatens nuclear strike on the South\n\n"
        "North Korean leader Kim Jong Un warned on Monday that his forces would use nuclear "
        "weapons if the South attacked.", RULES, published="2023-01-03")
    headline = starting(found, "Kim threatens")
    assert headline.actor is not None
    assert headline.actor.name == "Kim Jong Un" and headline.actor.country == "PRK"


def test_a_ministry_of_a_named_state_speaks_for_it_and_so_does_its_spokesperson() -> None:
    found = events(
        "North Korea fired an intercontinental ballistic missile on Thursday, its first "
        "launch in months.\n\n"
        "South Korea's unification ministry said it regretted the launch and urged "
        "Pyongyang to stop its nuclear provocations.\n\n"
        "\"Nuclear weapons will never guarantee the North's security,\" a ministry "
        "spokesperson said.", Settings(), published="2023-07-13")
    judged = [e for e in found if e.type in ("reaction", "assessment")]
    assert len(judged) == 2
    assert all(e.actor is not None and e.actor.country == "KOR" for e in judged)


def test_a_wire_datelines_date_is_the_reports_not_the_news() -> None:
    found = events(
        "MOSCOW, March 26 (Northern Wire) - Russia will station tactical nuclear weapons in "
        "Belarus, President Vladimir Putin said in remarks aired late on Saturday.",
        RULES, published="2023-03-26")
    assert found and found[0].date == EventDate(2023, 3, 25)


def test_a_recent_day_in_a_clause_dates_the_statements_carrier() -> None:
    found = events(
        "In an interview published on Thursday, the Polish president asked the United States "
        "to station nuclear weapons on Polish soil.", RULES, published="2025-03-14")
    assert found and found[0].date == EventDate(2025, 3, 13)


def test_an_old_date_in_a_clause_is_background_not_the_events() -> None:
    found = events(
        "In an interview published in 2019, the Polish president asked the United States "
        "to station nuclear weapons on Polish soil.", RULES, published="2025-03-14")
    assert found and found[0].date != EventDate(2019, None, None)


def test_without_a_publication_day_the_dateline_dates_the_news() -> None:
    found = events(
        "MOSCOW, March 26 (Northern Wire) - Russia will station tactical nuclear weapons in "
        "Belarus, President Vladimir Putin said.", RULES)
    assert found and found[0].date is not None
    assert (found[0].date.month, found[0].date.day) == (3, 26)


def test_a_detail_that_names_no_one_is_the_articles_last_signallers() -> None:
    found = events(
        "Russia's president signed a decree updating the country's nuclear doctrine on "
        "Tuesday.\n\nOfficials in Kyiv and Warsaw reacted within hours.\n\n"
        "Analysts in London were divided.\n\n"
        "The revised doctrine lowers the threshold for nuclear use to a critical threat to "
        "sovereignty.", Settings(), published="2024-11-20")
    last = starting(found, "The revised doctrine")
    assert last.actor is not None and last.actor.country == "RUS"


def test_a_ukrainian_analyst_the_knowledge_base_does_not_know_is_found_by_name() -> None:
    found = events(
        "Росія оголосила про навчання з тактичною ядерною зброєю.\n\n"
        "Аналітик київського аналітичного центру Тарас Мельничук вважає, що навчання "
        "мають налякати європейських партнерів України.", RULES, published="2024-05-07")
    judged = starting(found, "Аналітик")
    assert judged.actor is not None
    assert judged.actor.name.startswith("Taras") and judged.type == "assessment"


def test_an_alert_with_a_quoted_qualifier_is_readiness() -> None:
    found = events("Putin puts nuclear deterrent forces on 'special' alert", RULES,
                   published="2022-02-27")
    assert [e.type for e in found] == ["readiness"]
    found = events("Путін наказав перевести сили ядерного стримування в «особливий режим»",
                   RULES, published="2022-02-28")
    assert [e.type for e in found] == ["readiness"]


def test_shared_waters_are_the_actors_when_its_state_is_on_their_shores() -> None:
    russian = events(
        "Russia's Northern Fleet said its submarine launched a Bulava nuclear missile from "
        "the Barents Sea on Tuesday.", RULES, published="2024-05-14")
    launch = starting(russian, "Russia's Northern Fleet")
    assert launch.location is not None and launch.location.name == "Barents Sea"
    assert launch.location.country == "RUS"
    american = events(
        "The United States deployed nuclear-capable B-52 bombers to patrol the Barents Sea "
        "on Tuesday, the Pentagon said.", RULES, published="2024-05-14")
    flight = starting(american, "The United States")
    assert flight.location is not None and flight.location.name == "Barents Sea"
    assert flight.location.country is None


def test_a_wire_tags_agency_is_not_the_actor() -> None:
    found = events(
        "SEOUL, Sept 9 (Northern Wire) - North Korea test-fired an intercontinental ballistic "
        "missile on Thursday.", RULES, published="2022-09-09")
    assert found and found[0].actor is not None
    assert found[0].actor.country == "PRK" and found[0].actor.name != "Northern Wire"


def test_an_undated_reaction_does_not_move_the_storys_day() -> None:
    # the reaction is dated to the report's day; "the same day" and the details after it
    # stay on the day of the signal told before
    found = events(
        "On 2 March, Russia held a drill of its strategic nuclear forces near Plesetsk.\n\n"
        "Ukraine's foreign ministry condemned the nuclear drill as blackmail.\n\n"
        "The same day, Russian crews test-fired a Yars intercontinental ballistic missile.",
        RULES, published="2024-03-05")
    days = {e.type: e.date for e in found}
    assert days["exercise"] == EventDate(2024, 3, 2)
    assert days["reaction"] == EventDate(2024, 3, 5)
    assert days["test"] == EventDate(2024, 3, 2)


def test_the_one_side_an_adjective_names_owns_the_missile_used() -> None:
    found = events(
        "Вранці була випробувана нова російська міжконтинентальна балістична ракета з "
        "ядерною боєголовкою.", RULES, published="2024-11-21")
    assert found and found[0].actor is not None and found[0].actor.country == "RUS"


def test_a_headline_that_names_no_one_is_the_signallers_the_lede_names() -> None:
    found = events(
        "Nuclear war if we lose, the former president warns\n\n"
        "Dmitry Medvedev warned on Monday that Russia would use nuclear weapons if it lost "
        "the war in Ukraine.", RULES, published="2023-01-17")
    headline = starting(found, "Nuclear war if we lose")
    assert headline.actor is not None and headline.actor.country == "RUS"


def test_an_unsided_event_borrows_from_its_own_kind_the_next_first() -> None:
    from tocsin.actors import borrow_actors
    from tocsin.model import Entity

    def ev(etype: str, country: str | None) -> Event:
        actor = Entity(country or "someone", country) if country or etype == "reaction" \
            else None
        return Event(event_id=etype, doc="d", content_id="d", type=etype, span=(0, 1),
                     sentence=etype, actor=actor, target=None, weapon=None, location=None,
                     date=None, modality="asserted", attribution=None, quote=None,
                     confidence=0.9, language="en")

    found = borrow_actors([ev("threat", None), ev("reaction", None), ev("threat", "RUS"),
                           ev("assessment", "USA"), ev("exercise", None)], load_knowledge())
    assert [e.actor.country if e.actor else None for e in found] == \
        ["RUS", "USA", "RUS", "USA", "RUS"]


def test_a_signal_told_without_its_doer_is_the_states_not_the_person_named_before() -> None:
    found = events(
        "Putin oversaw the drills of the strategic nuclear forces on Tuesday, the Kremlin "
        "said.\n\n"
        "A Yars intercontinental ballistic missile was launched from the Plesetsk cosmodrome "
        "at a target range on Kamchatka.", RULES, published="2024-10-29")
    order = starting(found, "Putin oversaw")
    launch = starting(found, "A Yars")
    assert order.actor is not None and order.actor.name == "Vladimir Putin"
    assert launch.actor is not None and launch.actor.name == "Russia"
    assert launch.actor.country == "RUS"


def test_a_military_district_where_drills_happen_is_not_their_signaller() -> None:
    found = events(
        "The Russian defence ministry said on Tuesday it had begun the first stage of drills "
        "with non-strategic nuclear weapons.\n\n"
        "The drills are taking place in the Southern Military District.",
        RULES, published="2024-05-21")
    assert found
    for e in found:
        assert e.actor is not None and e.actor.country == "RUS"
        assert e.actor.name != "Southern Military District"


def test_a_web_pages_lede_dates_its_headline_below_the_menus() -> None:
    found = events(
        "WORLD NEWS TODAY\n\nHome | World | Politics | Business | Sport | Video\n\n"
        "[Cookie notice] This site uses cookies. By continuing you accept them. [Close]\n\n"
        "Putin puts nuclear deterrence forces on special alert\n\nBy Jane Doe\n\n"
        "Updated 28 February 2022, 07:10\n\n"
        "Russia's president has ordered the country's nuclear deterrence forces onto a special "
        "regime of combat duty, the Kremlin said.\n\n"
        "Vladimir Putin gave the order yesterday at a meeting with his defence minister and "
        "the chief of the general staff.", RULES, published="2022-02-28")
    for words in ("Putin puts", "Russia's president"):
        assert starting(found, words).date == EventDate(2022, 2, 27)


def test_a_sentence_whose_only_date_is_background_takes_the_storys_day() -> None:
    found = events(
        "Russia moved its first nuclear warheads to Belarus on Friday, President Vladimir "
        "Putin said.\n\n"
        "Russia deployed the tactical nuclear weapons, which Minsk had requested in March, "
        "at a new storage site, Putin said.", RULES, published="2023-06-17")
    told = starting(found, "Russia deployed")
    assert told.date == EventDate(2023, 6, 16)


def test_a_place_named_for_a_past_bombing_is_a_comparison_not_where_the_signal_is() -> None:
    found = events(
        "Russia has delivered the first tactical nuclear bombs to Belarus, Minsk said.\n\n"
        "Lukashenko boasted that the nuclear bombs stationed in Belarus were three times as "
        "powerful as the ones dropped on Hiroshima.", RULES, published="2023-06-14")
    boast = starting(found, "Lukashenko boasted")
    assert boast.location is not None and boast.location.country == "BLR"

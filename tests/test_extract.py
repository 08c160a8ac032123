"""Rule tests on sentences written for them, with fictional actors (tests/fixtures/kb) and
the real lexicon and spaCy models. The learned layer is off: these test the rules, which type
events on their own and fill every event's fields (tests/test_learned.py tests the layer)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tocsin.ingest import content_id
from tocsin.model import Event, EventDate, RawDocument
from tocsin.pipeline import process_document
from tocsin.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures" / "kb"
PACKAGE_KB = Path(__file__).resolve().parents[1] / "src" / "tocsin" / "kb"
RULES = Settings(learned=False)


@pytest.fixture(scope="module")
def kb_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    d = tmp_path_factory.mktemp("kb")
    for f in FIXTURES.iterdir():
        shutil.copy(f, d / f.name)
    shutil.copytree(PACKAGE_KB / "lexicon", d / "lexicon")
    return Settings(kb_dir=str(d), learned=False)


def events(text: str, s: Settings, published: str | None = None) -> list[Event]:
    from datetime import date

    raw = RawDocument(doc="t.txt", content_id=content_id("text", text), content=text,
                      published=date.fromisoformat(published) if published else None)
    res = process_document(raw, s)
    assert res.skipped is None, res.skipped
    return list(res.events)


def one(text: str, s: Settings, **kw: str) -> Event:
    found = events(text, s, **kw)
    assert len(found) == 1, [(e.type, e.sentence) for e in found]
    return found[0]


def test_reported_deployment_gives_doer_as_actor_and_speaker_as_source(kb_settings: Settings
                                                                        ) -> None:
    e = one("Le 4 avril 2023, le ministre bordure de la Défense, Ivan Petrenko, a déclaré que "
            "la Bordurie avait remis à la Syldavie le complexe de missiles Gorgon-M capable de "
            "porter des ogives nucléaires.", kb_settings)
    assert e.type == "deployment"
    assert e.actor is not None and e.actor.country == "BOR"
    assert e.weapon is not None and e.weapon.name == "Gorgon-M"
    assert e.location is not None and e.location.country == "SYL"
    assert e.attribution is not None and e.attribution.name == "Ivan Petrenko"
    assert e.date is not None and (e.date.year, e.date.month, e.date.day) == (2023, 4, 4)
    assert e.modality == "asserted"


def test_own_side_threat_versus_other_side_assessment(kb_settings: Settings) -> None:
    threat = one("Ivan Petrenko warned that Borduria could use nuclear weapons if Syldavian "
                 "troops crossed the border.", kb_settings)
    assert threat.type == "threat" and threat.actor is not None
    assert threat.actor.name == "Ivan Petrenko" and threat.modality == "conditional"
    judged = one("Anna Koval said the possibility that Borduria might use tactical nuclear "
                 "weapons could not be ruled out.", kb_settings)
    assert judged.type == "assessment" and judged.actor is not None
    assert judged.actor.country == "SYL" and judged.modality == "hedged"
    assert judged.weapon is not None and judged.weapon.name == "tactical nuclear weapons"


def test_think_tank_characterising_a_signal_is_an_assessment(kb_settings: Settings) -> None:
    e = one("L'Institut de veille stratégique estime que la Bordurie utilise des menaces "
            "nucléaires pour dissuader l'aide occidentale.", kb_settings)
    assert e.type == "assessment"
    assert e.actor is not None and e.actor.name == "Institute for Strategic Watch"
    assert e.target is not None and e.target.country == "BOR"


def test_reaction_refers_back_to_previous_signal(kb_settings: Settings) -> None:
    found = events(
        "Ivan Petrenko a annoncé mardi des exercices des forces nucléaires tactiques dans le "
        "district de l'Est.\n\nAnna Koval a qualifié ces déclarations de provocation "
        "irresponsable.", kb_settings)
    assert [e.type for e in found] == ["exercise", "reaction"]
    ex, re_ = found
    assert ex.location is not None and ex.location.name == "Eastern District"
    assert re_.actor is not None and re_.actor.name == "Anna Koval"
    assert re_.target is not None and re_.target.country == "BOR"


def test_pronoun_and_role_phrase_resolve_to_person_named_before(kb_settings: Settings) -> None:
    found = events(
        "Ivan Petrenko s'est exprimé devant le parlement lundi.\n\nIl a ajouté que la "
        "Bordurie pourrait placer des armes nucléaires tactiques en Syldavie.", kb_settings)
    assert len(found) == 1
    assert found[0].attribution is not None and found[0].attribution.name == "Ivan Petrenko"
    assert found[0].modality == "hedged"


def test_deadline_is_not_the_event_date(kb_settings: Settings) -> None:
    e = one("Le 25 mars 2023, Ivan Petrenko a déclaré que la construction d'un stockage pour "
            "les armes nucléaires tactiques en Syldavie devrait être achevée d'ici le 1er "
            "juillet.", kb_settings)
    assert e.type == "deployment" and e.modality == "planned"
    assert e.date is not None and (e.date.month, e.date.day) == (3, 25)


def test_relative_date_needs_publication_date(kb_settings: Settings) -> None:
    text = "On Tuesday, Ivan Petrenko announced nuclear exercises in the Eastern District."
    assert one(text, kb_settings).date is None
    dated = one(text, kb_settings, published="2024-05-23")
    assert dated.date is not None and (dated.date.year, dated.date.month,
                                       dated.date.day) == (2024, 5, 21)


def test_negated_deployment(kb_settings: Settings) -> None:
    e = one("Ivan Petrenko said Borduria has no plans to deploy nuclear weapons in Syldavia.",
            kb_settings)
    assert e.type == "deployment" and e.modality == "negated"


@pytest.mark.parametrize("text", [
    "Engineers restarted the second reactor of the nuclear power plant after IAEA inspectors "
    "left Syldavia on Monday.",
    "Borduria fired Falcon missiles at a Syldavian port, killing three people.",
    "« C'est une arme nucléaire, ce pied gauche », s'amusait l'entraîneur après le match.",
    "En 1962, la crise des missiles de Cuba a rapproché le monde d'une guerre nucléaire.",
])
def test_distractors_give_no_event(kb_settings: Settings, text: str) -> None:
    assert events(text + "\n\nThe rest of the article is about something else.",
                  kb_settings) == []


def test_event_ids_are_deterministic(kb_settings: Settings) -> None:
    text = "Ivan Petrenko warned that Borduria could use nuclear weapons against NATO."
    a = events(text, kb_settings)
    b = events(text, kb_settings)
    assert [e.event_id for e in a] == [e.event_id for e in b] and a


def test_recalled_date_is_an_aside_not_the_story_day(kb_settings: Settings) -> None:
    found = events(
        "Ivan Petrenko said on Saturday that Borduria would station tactical nuclear weapons "
        "in Syldavia.\n\n"
        "On 21 February, Petrenko had announced that Borduria was leaving the arms treaty.\n\n"
        "Petrenko added that Borduria was ready to use nuclear weapons against Syldavia.\n\n"
        "Anna Koval warned that Borduria was ready to use nuclear weapons against Syldavia.",
        kb_settings, published="2024-03-25")
    days = {e.sentence.split()[0]: e.date for e in found}
    assert days["Ivan"] == EventDate(2024, 3, 23)
    assert days["Petrenko"] == EventDate(2024, 3, 23)   # back to the story's day, not 21 Feb
    # the other side's undated judgment of Saturday's signal is the report's own news
    assert days["Anna"] == EventDate(2024, 3, 25)


def test_conditional_test_is_done_by_the_speakers_side(kb_settings: Settings) -> None:
    e = one("Ivan Petrenko a aussi affirmé que la Bordurie devait se tenir prête à effectuer "
            "un essai nucléaire si les Syldaves en réalisaient un.", kb_settings)
    assert e.type == "test" and e.actor is not None and e.actor.country == "BOR"


def test_last_month_and_this_week_take_the_publication_month(kb_settings: Settings) -> None:
    e = one("Last month Ivan Petrenko announced nuclear exercises in the Eastern District.",
            kb_settings, published="2024-03-25")
    assert e.date == EventDate(2024, 2, None)


def test_forces_moved_to_an_alert_state_is_readiness_not_deployment(kb_settings: Settings
                                                                    ) -> None:
    e = one("Ivan Petrenko ordered the command to transfer Borduria's nuclear deterrence forces "
            "to a special mode of combat duty.", kb_settings)
    assert e.type == "readiness"


def test_think_twice_after_a_launch_is_a_threat(kb_settings: Settings) -> None:
    found = events("Borduria test-fired a Gorgon-M missile with a nuclear warhead on Monday.\n\n"
                   "Ivan Petrenko said the new missile would make those who threaten Borduria "
                   "think twice.", kb_settings, published="2024-03-26")
    assert [e.type for e in found] == ["test", "threat"]
    assert found[1].actor is not None and found[1].actor.country == "BOR"
    assert found[1].weapon is not None and found[1].weapon.name == "Gorgon-M"   # "the new missile"


def test_the_signaller_explaining_itself_is_no_reaction(kb_settings: Settings) -> None:
    found = events("Ivan Petrenko ordered Borduria's nuclear forces onto high alert on Monday.\n\n"
                   "Petrenko said Syldavian leaders had made aggressive statements about "
                   "Borduria.\n\n"
                   "Anna Koval called the step totally unacceptable.",
                   kb_settings, published="2024-03-26")
    types = [(e.type, e.actor.name if e.actor else None) for e in found]
    assert ("reaction", "Ivan Petrenko") not in types
    assert types[0][0] == "readiness"


@pytest.mark.parametrize("text", [
    "Putin put Russia's nuclear deterrence forces on special alert on Sunday.",
    "Путін наказав перевести сили ядерного стримування в «особливий режим» бойового "
    "чергування.",
    "Путин приказал перевести силы ядерного сдерживания в «особый режим» боевого дежурства.",
])
def test_deterrence_forces_on_alert_are_readiness_not_doctrine(text: str) -> None:
    assert [e.type for e in events(text, RULES)] == ["readiness"]


def test_an_unnamed_official_speaks_for_the_named_side(kb_settings: Settings) -> None:
    found = events("Borduria began nuclear drills near Kessa on Monday.\n\n"
                   "A Syldavian official called the drills irresponsible and dangerous.",
                   kb_settings, published="2024-03-26")
    assert found[-1].type == "reaction"
    assert found[-1].actor is not None and found[-1].actor.country == "SYL"


def test_these_drills_continue_the_nuclear_exercise_story(kb_settings: Settings) -> None:
    text = ("Borduria began nuclear drills with Gorgon-M launchers near Kessa on Monday.\n\n"
            "The weather in the region was cold and wet.\n\n"
            "Ivan Petrenko had announced these drills on 6 March.")
    found = events(text, kb_settings, published="2024-03-26")
    assert [e.type for e in found] == ["exercise", "exercise"]
    assert found[1].date == EventDate(2024, 3, 6)
    unrelated = events(text.replace("these drills", "drills in Syldavia"), kb_settings,
                       published="2024-03-26")
    assert [e.type for e in unrelated] == ["exercise"]


def test_entitled_to_use_and_no_other_way_out_are_threats(kb_settings: Settings) -> None:
    assert one("Ivan Petrenko said Borduria considered itself entitled to use nuclear weapons "
               "against Syldavia.", kb_settings).type == "threat"
    found = events("Ivan Petrenko warned that Borduria would use nuclear weapons if Syldavia "
                   "attacked.\n\nThere would simply be no other way out, Petrenko said.",
                   kb_settings)
    assert [e.type for e in found] == ["threat", "threat"]


def test_urging_to_reverse_a_treaty_move_is_a_reaction(kb_settings: Settings) -> None:
    found = events("Borduria suspended its participation in the nuclear test ban treaty on "
                   "Monday.\n\nAnna Koval urged Borduria to reverse the decision.",
                   kb_settings, published="2024-03-26")
    assert [e.type for e in found][-1] == "reaction"


def test_ukrainian_doer_after_the_trigger_and_not_the_place() -> None:
    e = one("Розмістити тактичну ядерну зброю в Білорусі вирішила Росія.", RULES)
    assert e.type == "deployment"
    assert e.actor is not None and e.actor.country == "RUS"   # not Belarus, the place


@pytest.mark.parametrize("text", [
    "Vladimir Putin announced that Russia was suspending New START. The head of state also "
    "ordered the defence ministry to be ready for nuclear tests.",
    "Президент Владимир Путин объявил, что Россия приостанавливает участие в ДСНВ. Глава "
    "государства также поручил Минобороны быть готовым к ядерным испытаниям.",
    "Vladimir Poutine a annoncé la suspension de New Start. Le chef de l'État a aussi ordonné "
    "au ministère de la Défense de se tenir prêt à des essais nucléaires.",
])
def test_the_head_of_state_is_the_leader_named_before(text: str) -> None:
    last = events(text, RULES, published="2023-02-21")[-1]
    assert last.type == "test"
    assert last.actor is not None and last.actor.name == "Vladimir Putin"


def test_a_long_threat_phrase_keeps_the_words_inside_it(kb_settings: Settings) -> None:
    found = events("Borduria test-fired a Gorgon-M missile with a nuclear warhead on Monday.\n\n"
                   "Ivan Petrenko praised the crews, saying the new missile would force those who "
                   "threaten Borduria with aggressive rhetoric to think twice.",
                   kb_settings, published="2024-03-26")
    assert [e.type for e in found] == ["test", "threat"]


def test_using_these_weapons_and_signing_the_law_continue_the_story(kb_settings: Settings
                                                                    ) -> None:
    threat = events("Borduria moved tactical nuclear weapons to Syldavia on Monday.\n\n"
                    "Ivan Petrenko said he would not hesitate to use these weapons.",
                    kb_settings, published="2024-03-26")
    assert [e.type for e in threat] == ["deployment", "threat"]
    law = events("Borduria's parliament voted to withdraw from the nuclear test ban treaty on "
                 "Monday.\n\nIvan Petrenko signed the law on Wednesday.",
                 kb_settings, published="2024-03-28")
    assert [e.type for e in law] == ["arms_control", "arms_control"]


@pytest.mark.parametrize("text", [
    "Borduria has moved tactical nuclear weapons onto Syldavian territory, Szohôd said on "
    "Tuesday.",
    "Borduria will station nuclear warheads on the territory of Syldavia, Szohôd said on "
    "Tuesday.",
    "La Bordurie a déployé des armes nucléaires tactiques sur le territoire syldave, a "
    "annoncé Szohôd mardi.",
])
def test_a_territory_phrase_gives_the_location(kb_settings: Settings, text: str) -> None:
    e = one(text, kb_settings, published="2024-06-12")
    assert e.type == "deployment" and e.location is not None
    assert e.location.country == "SYL" and e.actor is not None and e.actor.country == "BOR"



@pytest.mark.parametrize("text", [
    "Si la Syldavie reprend ses essais nucléaires, la Bordurie procédera elle aussi à un "
    "essai nucléaire, a déclaré Szohôd mardi.",
    "Borduria will conduct a nuclear test of its own if Syldavia resumes nuclear testing, "
    "Szohôd said on Tuesday.",
])
def test_the_side_in_a_condition_is_not_the_doer(kb_settings: Settings, text: str) -> None:
    e = one(text, kb_settings, published="2024-06-12")
    assert e.type == "test" and e.actor is not None and e.actor.country == "BOR", e


def test_a_person_the_kb_does_not_know_takes_the_side_their_title_names(kb_settings: Settings
                                                                         ) -> None:
    found = events(
        "The Syldavian foreign minister Marta Novak condemned Borduria's nuclear threats as "
        "reckless.\n\n"
        "Bordurian troops held nuclear drills near Klow on Monday.\n\n"
        "According to Marta Novak, the nuclear drills were a dangerous provocation.",
        kb_settings,
        published="2024-03-25")
    judged = [e for e in found if e.type in ("reaction", "assessment")]
    assert len(judged) == 2, [(e.type, e.sentence) for e in found]
    # the title's adjective gives her side; the article remembers it when she speaks again
    assert all(e.actor is not None and e.actor.name == "Marta Novak" and
               e.actor.country == "SYL" for e in judged)


def test_an_undated_judgment_is_the_news_of_the_day_it_is_reported(kb_settings: Settings
                                                                    ) -> None:
    found = events(
        "On 4 March, Borduria test-fired a nuclear-capable missile near Klow.\n\n"
        "Anna Koval condemned Borduria's nuclear threats as reckless.", kb_settings,
        published="2024-03-25")
    days = {e.type: e.date for e in found}
    assert days["test"] == EventDate(2024, 3, 4)
    # the launch three weeks back dates the launch, not the reaction reported today
    assert days["reaction"] == EventDate(2024, 3, 25)


def test_a_sentence_that_names_no_place_happens_where_its_story_does(kb_settings: Settings
                                                                     ) -> None:
    found = events(
        "Bordurian troops began nuclear drills in Syldavia on Monday.\n\n"
        "Ivan Petrenko said Borduria would hold more nuclear drills.", kb_settings,
        published="2024-03-25")
    assert [e.location.country if e.location else None for e in found] == ["SYL", "SYL"]


def test_drills_with_no_place_named_are_on_the_actors_own_territory(kb_settings: Settings
                                                                    ) -> None:
    e = one("Borduria held large nuclear drills with its strategic forces on Monday, the "
            "ministry said.", kb_settings)
    assert e.type == "exercise" and e.location is not None and e.location.country == "BOR"

"""Story clustering, its flags, and the B³ score it is measured with (fictional actors
where the rule does not depend on real knowledge)."""

from __future__ import annotations

from datetime import date

from tocsin.knowledge import load_knowledge
from tocsin.model import Entity, Event, EventDate
from tocsin.stories import Story, b_cubed, cluster


def ev(eid: str, doc: str, etype: str, actor: str, country: str, day: int | None,
       sentence: str, weapon: str | None = None, start: int = 0,
       when: EventDate | None = None, language: str = "en") -> Event:
    return Event(event_id=eid, doc=doc, content_id=doc, type=etype,
                 span=(start, start + len(sentence)),
                 sentence=sentence, actor=Entity(actor, country, actor.lower()), target=None,
                 weapon=Entity(weapon) if weapon else None, location=None,
                 date=when or (EventDate(2024, 5, day) if day else None), modality="asserted",
                 attribution=None, quote=None, confidence=0.8, language=language)


def groups(stories: list[Story]) -> list[list[str]]:
    return sorted(sorted(m.event_id for m in s.mentions) for s in stories)


PUB = {"tass.txt": date(2031, 5, 21), "kyiv.txt": date(2031, 5, 21),
       "herald.txt": date(2031, 5, 21), "late.txt": date(2031, 6, 30)}


def test_undated_report_of_the_day_joins_the_dated_story_in_another_language() -> None:
    dated = ev("a", "herald.txt", "test", "Norlandia", "XN", None,
               "Norlandia test-fired its Vardstorm missile on Tuesday.", "Vardstorm",
               when=EventDate(2031, 5, 20))
    undated = ev("b", "kyiv.txt", "test", "Norlandia", "XN", None,
                 "Норландія випробувала ракету «Вардшторм».", "Vardstorm", language="uk")
    later = ev("c", "late.txt", "test", "Norlandia", "XN", None,
               "Norlandia test-fired its Vardstorm missile again.", "Vardstorm")
    stories = cluster([dated, undated, later], PUB)
    # published the next day: the same test; published six weeks later, undated: another one
    assert groups(stories) == [["a", "b"], ["c"]]


def test_announcement_with_its_threat_is_one_story_but_a_recalled_one_is_not() -> None:
    kb = load_knowledge()
    test = ev("a", "tass.txt", "test", "Norlandia", "XN", None,
              "Norlandia launched its new Vardstorm missile on Tuesday.", "Vardstorm",
              when=EventDate(2031, 5, 20))
    threat = ev("b", "tass.txt", "threat", "Norlandia", "XN", None,
                "The launch should make those who threaten Norlandia think twice.",
                "nuclear weapons", start=60, when=EventDate(2031, 5, 20))
    recalled = ev("c", "tass.txt", "arms_control", "Norlandia", "XN", None,
                  "The launch came a month after Norlandia left the Kessa treaty.",
                  "nuclear weapons", start=130)
    stories = cluster([test, threat, recalled], PUB, kb)
    assert groups(stories) == [["a", "b"], ["c"]]


def test_two_officials_threats_and_two_sides_reactions_stay_apart() -> None:
    day = EventDate(2031, 5, 20)
    events = [
        ev("a", "tass.txt", "threat", "Aldric Venn", "XN", None,
           "Venn warned of nuclear retaliation.", when=day),
        ev("b", "herald.txt", "threat", "Mira Holt", "XN", None,
           "Holt said nuclear weapons could be used.", when=day),
        ev("c", "tass.txt", "reaction", "Sudmark", "XS", None,
           "Sudmark condemned the nuclear threats.", start=200, when=day),
        ev("d", "herald.txt", "reaction", "Estmark", "XE", None,
           "Estmark condemned the nuclear threats.", start=200, when=day),
    ]
    assert groups(cluster(events, PUB)) == [["a"], ["b"], ["c"], ["d"]]


def test_a_day_without_year_still_tells_two_happenings_apart() -> None:
    november = ev("a", "tass.txt", "threat", "Aldric Venn", "XN", None,
                  "Venn warned of nuclear retaliation.", when=EventDate(2031, 11, 21))
    march = ev("b", "tass.txt", "threat", "Aldric Venn", "XN", None,
               "On 23 March Venn had warned of nuclear retaliation.", start=90,
               when=EventDate(None, 3, 23))
    assert groups(cluster([november, march])) == [["a"], ["b"]]


def test_same_happening_in_two_articles_is_one_story_and_others_stay_apart() -> None:
    events = [
        ev("a1", "wire.txt", "exercise", "Russian Ministry of Defence", "RUS", 21,
           "The defence ministry began tactical nuclear drills in the Southern district.",
           "tactical nuclear weapons"),
        ev("b1", "copy.txt", "exercise", "Russian Ministry of Defence", "RUS", 21,
           "Russia's defence ministry said tactical nuclear drills began in the south.",
           "tactical nuclear weapons"),
        ev("c1", "other.txt", "exercise", "Belarus", "BLR", 2,
           "Belarusian crews trained with Iskander-M launchers near Asipovichy.",
           "Iskander-M"),
        ev("d1", "wire.txt", "reaction", "NATO", "NATO", 22,
           "NATO called the drills irresponsible nuclear rhetoric."),
    ]
    stories = cluster(events)
    groups = sorted(sorted(m.event_id for m in s.mentions) for s in stories)
    assert groups == [["a1", "b1"], ["c1"], ["d1"]]
    again = cluster(list(reversed(events)))
    assert sorted(s.story_id for s in again) == sorted(s.story_id for s in stories)


def test_b_cubed() -> None:
    gold = {"a": "x", "b": "x", "c": "y"}
    assert b_cubed([["a", "b"], ["c"]], gold) == (1.0, 1.0, 1.0)
    p, r, f = b_cubed([["a", "b", "c"]], gold)
    assert round(p, 3) == 0.556 and r == 1.0 and 0.7 < f < 0.72


def test_flags_repeat_and_single_source() -> None:
    from tocsin.stories import flag, recall_cue

    first = ev("a1", "march.txt", "deployment", "Vladimir Putin", "RUS", 25,
               "Putin announced that Russia will station tactical nuclear weapons in Belarus.",
               "tactical nuclear weapons")
    recalled = ev("b1", "june.txt", "deployment", "Vladimir Putin", "RUS", 25,
                  "As Putin said in March, Russia will station tactical nuclear weapons in "
                  "Belarus.", "tactical nuclear weapons")
    lone = ev("c1", "other.txt", "test", "North Korea", "PRK", 3,
              "North Korea test-fired a new intercontinental missile.", "Hwasong-19")
    events = [first, recalled, lone]
    stories = cluster(events)
    published = {"march.txt": date(2024, 5, 25), "june.txt": date(2024, 6, 20),
                 "other.txt": date(2024, 5, 3)}
    flags = flag(stories, events, published, recall_cue(load_knowledge()))
    assert flags.novelty == {"a1": "new", "b1": "repeat", "c1": "new"}
    lone_story = next(s for s in stories if s.mentions[0].event_id == "c1")
    assert flags.story_flags[lone_story.story_id] == ["single_source"]


def test_machine_translation_soft_flag() -> None:
    from tocsin.derive import machine_translated
    from tocsin.gazetteer import default_gazetteer
    from tocsin.knowledge import load_knowledge

    kb, gaz = load_knowledge(), default_gazetteer()
    clean = ("Sergei Shoigu said the drills had begun. Shoigu added that crews were ready.")
    garbled = ("Sergei Shoigu a déclaré que les exercices ont commencé. Plus tard, Shoiga a "
               "ajouté que les avions pouvaient porter des moyens nucléaires de défaite.")
    assert not machine_translated(clean, kb, gaz)
    assert machine_translated(garbled, kb, gaz)
    assert machine_translated("Sergei Shoigu parlait. Plus tard, Shoiga a répondu.", kb, gaz)


def test_in_one_article_a_state_and_its_leader_are_one_actor() -> None:
    from dataclasses import replace
    day = EventDate(2031, 5, 20)
    state = Entity("Norlandia", "XN", "XN")
    order = ev("a", "tass.txt", "exercise", "Aldric Venn", "XN", None,
               "Venn ordered drills of the strategic forces.", when=day)
    launch = replace(ev("b", "tass.txt", "test", "Norlandia", "XN", None,
                        "A missile was launched at a range in the north.", start=2000,
                        when=day), actor=state)
    # the details of the leader's drill, told further on without naming him, are his story
    assert groups(cluster([order, launch], PUB)) == [["a", "b"]]
    # in another article, the state's launch is not tied to his order by their side alone
    elsewhere = replace(launch, doc="herald.txt", content_id="herald.txt")
    assert groups(cluster([order, elsewhere], PUB)) == [["a"], ["b"]]

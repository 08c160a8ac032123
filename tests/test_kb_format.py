"""Format tests for the knowledge files: they load, validate, and carry what the brief asks."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from tocsin.errors import KnowledgeBaseError
from tocsin.gazetteer import default_gazetteer
from tocsin.knowledge import (
    KB_DIR,
    KB_LANGUAGES,
    load_actors,
    load_countries,
    load_knowledge,
    load_lexicon,
)

CUE_KEYS = {"nuclear", "civil_nuclear", "civil_hazard", "capability", "war_effects", "speech",
            "source_cue", "hedge",
            "conditional", "negation", "planned", "deadline", "reaction", "signal_reference",
            "assessment",
            "belief", "assessor_group", "group_noun", "role_head", "org_head", "pronoun",
            "locative", "clause_break", "weapon_anaphor", "warning", "launch", "history",
            "other_harm", "own_response", "pronoun_plural", "recall", "mt_tells",
            "western_decision",
            "official_site", "first_person", "title_word", "statement_by",
            "question_label",
            "official_noun", "demonstrative", "head_of_state"}
TYPES = {"threat", "doctrine", "exercise", "deployment", "readiness", "test", "arms_control"}


def test_everything_loads_and_counts() -> None:
    kb = load_knowledge()
    assert len(kb.actors) >= 150 and len(kb.weapons) >= 40
    codes = {c.code for c in kb.countries}
    for a in kb.actors:
        assert a.country in codes, a.id
        assert a.source, f"{a.id} has no source"
        assert set(KB_LANGUAGES) <= set(a.aliases), f"{a.id} lacks a language"
    capable = [w for w in kb.weapons if w.nuclear_capable and not w.generic]
    assert len(capable) >= 40


@pytest.mark.parametrize("lang", ["fr", "en", "uk", "ru"])
def test_every_lexicon_has_every_key(lang: str) -> None:
    _, lex = load_lexicon(KB_DIR / "lexicon")
    assert lang in lex
    missing = CUE_KEYS - set(lex[lang].cues)
    assert not missing, f"{lang} lacks {sorted(missing)}"
    assert set(lex[lang].triggers) >= TYPES


def test_home_countries_are_known_countries() -> None:
    kb = load_knowledge()
    homes = {lang: lex.home_country for lang, lex in kb.lexicons.items()}
    assert all(c in kb.country_by_code for c in homes.values() if c is not None)
    assert homes["en"] is None   # the English-language press has no one home


def test_role_dates_are_ordered() -> None:
    for a in load_knowledge().actors:
        for r in a.roles:
            assert r.start is None or r.end is None or r.start <= r.end, (a.id, r.title)


def test_bad_files_raise_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "actors.yaml"
    bad.write_text("- id: x\n  name: X\n  kind: wizard\n  country: RUS\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="kind 'wizard'"):
        load_actors(bad)
    bad.write_text("- id: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="invalid YAML"):
        load_actors(bad)


# One person, four scripts and spellings (transliterations and machine-translation forms).
SAME_PERSON = {
    "vladimir-putin": ["Vladimir Putin", "Vladimir Poutine", "Володимир Путін", "Владимир Путин"],
    "sergei-shoigu": ["Sergei Shoigu", "Sergueï Choïgou", "Сергій Шойгу", "Сергей Шойгу"],
    "sergey-lavrov": ["Sergei Lavrov", "Sergueï Lavrov", "Сергій Лавров", "Сергей Лавров"],
    "dmitry-medvedev": ["Dmitry Medvedev", "Dmitri Medvedev", "Дмитро Медведєв",
                        "Дмитрий Медведев"],
    "dmitry-peskov": ["Dmitry Peskov", "Dmitri Peskov", "Дмитро Пєсков", "Дмитрий Песков"],
    "volodymyr-zelensky": ["Volodymyr Zelensky", "Volodymyr Zelensky", "Володимир Зеленський",
                           "Владимир Зеленский"],
    "alexander-lukashenko": ["Alexander Lukashenko", "Alexandre Loukachenko",
                             "Олександр Лукашенко", "Александр Лукашенко"],
    "oleksiy-danilov": ["Oleksiy Danilov", "Alexei Danilov", "Олексій Данілов",
                        "Алексей Данилов"],
    "oleksandr-lytvynenko": ["Oleksandr Lytvynenko", "Litvinenko", "Олександр Литвиненко",
                             "Александр Литвиненко"],
    "jens-stoltenberg": ["Jens Stoltenberg", "Jens Stoltenberg", "Єнс Столтенберг",
                         "Йенс Столтенберг"],
    "antony-blinken": ["Antony Blinken", "Antony Blinken", "Ентоні Блінкен", "Энтони Блинкен"],
    "joe-biden": ["Joe Biden", "Joe Biden", "Джо Байден", "Джо Байден"],
    "donald-trump": ["Donald Trump", "Donald Trump", "Дональд Трамп", "Дональд Трамп"],
    "emmanuel-macron": ["Emmanuel Macron", "Emmanuel Macron", "Емманюель Макрон",
                        "Эммануэль Макрон"],
    "maria-zakharova": ["Maria Zakharova", "Maria Zakharova", "Марія Захарова",
                        "Мария Захарова"],
    "sergei-ryabkov": ["Sergei Ryabkov", "Sergueï Riabkov", "Сергій Рябков", "Сергей Рябков"],
    "valery-gerasimov": ["Valery Gerasimov", "Valeri Guerassimov", "Валерій Герасимов",
                         "Валерий Герасимов"],
    "kyrylo-budanov": ["Kyrylo Budanov", "Kyrylo Boudanov", "Кирило Буданов", "Кирилл Буданов"],
    "dmytro-kuleba": ["Dmytro Kuleba", "Dmytro Kouleba", "Дмитро Кулеба", "Дмитрий Кулеба"],
    "andrii-sybiha": ["Andrii Sybiha", "Andriï Sybiha", "Андрій Сибіга", "Андрей Сибига"],
    "mark-rutte": ["Mark Rutte", "Mark Rutte", "Марк Рютте", "Марк Рютте"],
    "viktor-khrenin": ["Viktor Khrenin", "Viktor Khrenine", "Віктор Хренін", "Виктор Хренин"],
}


def test_one_person_one_id_across_scripts() -> None:
    gaz = default_gazetteer()
    ids = {a.id for a in load_knowledge().actors}
    checked = 0
    for actor_id, names in SAME_PERSON.items():
        if actor_id not in ids:
            pytest.fail(f"{actor_id} missing from the knowledge base")
        for name in names:
            found = {r.id for m in gaz.find(name) for r in m.refs if r.kind == "actor"}
            assert actor_id in found, f"{name!r} does not resolve to {actor_id} ({found})"
        checked += 1
    assert checked >= 20


def test_boilerplate_file_is_valid() -> None:
    data = yaml.safe_load((KB_DIR / "boilerplate.yaml").read_text(encoding="utf-8"))
    assert set(data["cues"]) == {"fr", "en", "uk", "ru"}


def test_places_are_well_formed() -> None:
    """Known country codes (or waters with their coast), every language, a source, and no
    alias that is a country's name (a capital is the government speaking, not a place)."""
    from tocsin.textutil import fold

    kb = load_knowledge()
    country_names = {fold(a) for c in kb.countries for names in c.aliases.values()
                     for a in names}
    ids = [p.id for p in kb.places]
    assert len(ids) == len(set(ids)) and len(ids) >= 20
    for p in kb.places:
        # ISO alpha-3 (a place may lie in a state the knowledge base has no entry for)
        assert p.country is None or re.fullmatch("[A-Z]{3}", p.country), p.id
        assert all(re.fullmatch("[A-Z]{3}", c) for c in p.coast), p.id
        assert p.country is None or not p.coast, p.id
        assert set(KB_LANGUAGES) <= set(p.aliases), f"{p.id} lacks a language"
        clashes = [a for names in p.aliases.values() for a in names if fold(a) in country_names]
        assert not clashes, (p.id, clashes)
    raw = yaml.safe_load((KB_DIR / "places.yaml").read_text(encoding="utf-8"))
    assert all(entry.get("source") for entry in raw)


def test_nuclear_statuses_name_the_states_whose_officials_threaten(tmp_path: Path) -> None:
    """The nine armed states carry ``armed``; a state with none (Ukraine) carries nothing;
    a status outside the list is refused with the list."""
    kb = load_knowledge()
    armed = {c.code for c in kb.countries if c.nuclear == "armed"}
    assert armed == {"RUS", "USA", "CHN", "FRA", "GBR", "IND", "PAK", "PRK", "ISR"}
    assert kb.country_by_code["UKR"].nuclear is None
    text = (Path(KB_DIR) / "countries.yaml").read_text(encoding="utf-8")
    broken = tmp_path / "countries.yaml"
    broken.write_text(text.replace("nuclear: host", "nuclear: maybe", 1), encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="nuclear 'maybe'"):
        load_countries(broken)

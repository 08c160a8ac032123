"""Loader for the versioned knowledge files in ``tocsin/kb/`` (countries, actors, weapons,
places, lexicon). Validation errors raise KnowledgeBaseError naming the file and entry."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import yaml

from .errors import KnowledgeBaseError
from .textutil import fold, fold_pattern

KB_DIR = Path(__file__).parent / "kb"
KB_LANGUAGES = ("en", "fr", "uk", "ru")
ACTOR_KINDS = (
    "person", "state_body", "military", "intelligence", "think_tank", "organisation", "media",
)
SOURCE_KINDS = ("official", "intelligence", "analyst", "media")


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    kind: str
    aliases: dict[str, tuple[str, ...]]
    adjectives: dict[str, tuple[str, ...]]
    # whose officials' words about nuclear use are their own side's signal: ``armed`` (the
    # nine states with nuclear weapons), ``host`` (another's weapons on its soil, its leader
    # threatens with them), ``alliance`` (nuclear sharing), ``threshold`` (threatens to change
    # its stance); None: its officials can only judge another's use (see
    # :func:`tocsin.extract.judging_another`)
    nuclear: str | None = None


NUCLEAR_STATUSES = ("armed", "host", "alliance", "threshold")


@dataclass(frozen=True)
class Role:
    title: str
    org: str | None
    start: date | None
    end: date | None
    titles: dict[str, tuple[str, ...]]

    def held_on(self, when: date | None) -> bool:
        if when is None:
            return self.end is None
        return (self.start is None or self.start <= when) and (self.end is None or when <= self.end)


HEAD_TITLES = ("president", "prime minister", "chancellor", "supreme leader", "king")
SENIOR_TITLES = ("minister", "secretary", "spokes", "chief", "chair", "speaker", "director",
                 "commander", "head", "deputy")


@dataclass(frozen=True)
class Actor:
    id: str
    name: str
    kind: str
    country: str
    source_kind: str
    aliases: dict[str, tuple[str, ...]]
    roles: tuple[Role, ...] = ()
    source: str = ""

    def rank(self, when: date | None) -> str:
        """"head" (of state or government), "senior" (minister, official) or "other", from
        the roles held on ``when`` (or, failing that, any role)."""
        titles = [r.title.lower() for r in self.roles if r.held_on(when)] or \
            [r.title.lower() for r in self.roles]
        if any(t.startswith(HEAD_TITLES) or f" {h}" in t for t in titles for h in HEAD_TITLES):
            return "head"
        if any(s in t for t in titles for s in SENIOR_TITLES):
            return "senior"
        return "other"


@dataclass(frozen=True)
class Weapon:
    id: str
    name: str
    category: str
    country: str | None
    nuclear_capable: bool
    generic: bool
    aliases: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Place:
    id: str
    name: str
    country: str | None              # None: waters no one state holds
    aliases: dict[str, tuple[str, ...]]
    coast: tuple[str, ...] = ()      # of such waters: the states on their shores


@dataclass(frozen=True)
class LanguageLexicon:
    """Compiled cue patterns of one language. Each attribute is one compiled alternation."""

    language: str
    cues: dict[str, re.Pattern[str]]
    triggers: dict[str, re.Pattern[str]]
    trigger_blockers: dict[str, tuple[re.Pattern[str], ...]]  # one pattern each: they overlap
    # the side whose voice an unsigned judgment in this language most often is (the press of
    # a language quotes its own analysts); None where no side dominates (English)
    home_country: str | None = None

    def cue(self, name: str) -> re.Pattern[str] | None:
        return self.cues.get(name)


@dataclass(frozen=True)
class Knowledge:
    countries: tuple[Country, ...]
    actors: tuple[Actor, ...]
    weapons: tuple[Weapon, ...]
    places: tuple[Place, ...]
    lexicons: dict[str, LanguageLexicon]
    lexicon_version: int = 1
    by_id: dict[str, Actor] = field(default_factory=dict)
    country_by_code: dict[str, Country] = field(default_factory=dict)
    weapon_by_id: dict[str, Weapon] = field(default_factory=dict)
    place_by_id: dict[str, Place] = field(default_factory=dict)

    def actor(self, actor_id: str) -> Actor | None:
        return self.by_id.get(actor_id)

    @cached_property
    def marks_nuclear(self) -> bool:
        """Does any country carry a nuclear status (a user's own KB may mark none)?"""
        return any(c.nuclear for c in self.countries)

    def country_name(self, code: str | None) -> str | None:
        c = self.country_by_code.get(code or "")
        return c.name if c else None


def _read_yaml(path: Path) -> Any:
    try:
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml: 5x faster
        return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506
    except FileNotFoundError as exc:
        raise KnowledgeBaseError(f"{path}: missing knowledge file (reinstall tocsin)") from exc
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"{path}: invalid YAML: {exc}") from exc


def _alias_map(entry: dict[str, Any], key: str, where: str) -> dict[str, tuple[str, ...]]:
    raw = entry.get(key) or {}
    if not isinstance(raw, dict):
        raise KnowledgeBaseError(f"{where}: '{key}' must map language -> list of strings")
    out: dict[str, tuple[str, ...]] = {}
    for lang, items in raw.items():
        if items is None:
            items = []
        if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
            raise KnowledgeBaseError(f"{where}: '{key}.{lang}' must be a list of strings")
        out[str(lang)] = tuple(i for i in items if i.strip())
    return out


def _date(value: Any, where: str) -> date | None:
    if value in (None, "", "null"):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise KnowledgeBaseError(f"{where}: bad date {value!r} (use YYYY-MM-DD)") from exc


def _require(entry: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [k for k in keys if not entry.get(k)]
    if missing:
        raise KnowledgeBaseError(f"{where}: missing field(s) {', '.join(missing)}")


def load_countries(path: Path) -> tuple[Country, ...]:
    out = []
    for i, e in enumerate(_read_yaml(path) or []):
        where = f"{path.name}[{i}]"
        _require(e, ("code", "name"), where)
        nuclear = e.get("nuclear")
        if nuclear is not None and nuclear not in NUCLEAR_STATUSES:
            raise KnowledgeBaseError(f"{where}: nuclear {nuclear!r} not in {NUCLEAR_STATUSES}")
        out.append(Country(
            code=str(e["code"]), name=str(e["name"]), kind=str(e.get("kind", "state")),
            aliases=_alias_map(e, "aliases", where), adjectives=_alias_map(e, "adjectives", where),
            nuclear=nuclear,
        ))
    return tuple(out)


def load_actors(path: Path) -> tuple[Actor, ...]:
    out = []
    for i, e in enumerate(_read_yaml(path) or []):
        where = f"{path.name}[{i}] ({e.get('id', '?')})"
        _require(e, ("id", "name", "kind", "country"), where)
        if e["kind"] not in ACTOR_KINDS:
            raise KnowledgeBaseError(f"{where}: kind {e['kind']!r} not in {ACTOR_KINDS}")
        roles = tuple(
            Role(
                title=str(r.get("title", "")), org=r.get("org"),
                start=_date(r.get("from"), where), end=_date(r.get("to"), where),
                titles=_alias_map(r, "titles", where),
            )
            for r in (e.get("roles") or [])
        )
        source_kind = e.get("source_kind") or "official"
        if source_kind not in SOURCE_KINDS:
            raise KnowledgeBaseError(f"{where}: source_kind {source_kind!r} not in {SOURCE_KINDS}")
        out.append(Actor(
            id=str(e["id"]), name=str(e["name"]), kind=str(e["kind"]), country=str(e["country"]),
            source_kind=str(source_kind), aliases=_alias_map(e, "aliases", where), roles=roles,
            source=str(e.get("source", "")),
        ))
    return tuple(out)


def load_weapons(path: Path) -> tuple[Weapon, ...]:
    out = []
    for i, e in enumerate(_read_yaml(path) or []):
        where = f"{path.name}[{i}] ({e.get('id', '?')})"
        _require(e, ("id", "name"), where)
        out.append(Weapon(
            id=str(e["id"]), name=str(e["name"]), category=str(e.get("category", "")),
            country=e.get("country"), nuclear_capable=bool(e.get("nuclear_capable", True)),
            generic=bool(e.get("generic", False)), aliases=_alias_map(e, "aliases", where),
        ))
    return tuple(out)


def load_places(path: Path) -> tuple[Place, ...]:
    out = []
    for i, e in enumerate(_read_yaml(path) or []):
        where = f"{path.name}[{i}] ({e.get('id', '?')})"
        _require(e, ("id", "name"), where)
        out.append(Place(id=str(e["id"]), name=str(e["name"]), country=e.get("country"),
                         aliases=_alias_map(e, "aliases", where),
                         coast=tuple(str(c) for c in e.get("coast") or ())))
    return tuple(out)


def compile_patterns(patterns: list[str], where: str) -> re.Pattern[str]:
    parts = []
    for p in patterns:
        p = str(p)
        raw = p[1:] if p.startswith("~") else rf"\b(?:{p})\b"
        parts.append(fold_pattern(raw))
    if not parts:
        return re.compile(r"(?!x)x")  # matches nothing
    try:
        return re.compile("|".join(f"(?:{x})" for x in parts))
    except re.error as exc:
        raise KnowledgeBaseError(f"{where}: bad pattern: {exc}") from exc


def load_language_lexicon(path: Path) -> tuple[int, LanguageLexicon]:
    """One ``lexicon/<lang>.yaml`` file: cue lists, ``triggers`` and ``trigger_blockers``."""
    spec = _read_yaml(path) or {}
    lang = str(spec.get("language") or path.stem)
    where = path.name
    reserved = ("language", "version", "triggers", "trigger_blockers", "home_country")
    cues = {
        name: compile_patterns(pats or [], f"{where}:{name}")
        for name, pats in spec.items() if name not in reserved
    }
    triggers = {t: compile_patterns(p or [], f"{where}:triggers.{t}")
                for t, p in (spec.get("triggers") or {}).items()}
    blockers = {t: tuple(compile_patterns([x], f"{where}:trigger_blockers.{t}") for x in p or [])
                for t, p in (spec.get("trigger_blockers") or {}).items()}
    home = spec.get("home_country")
    if home is not None and not isinstance(home, str):
        raise KnowledgeBaseError(f"{where}: 'home_country' must be a country code")
    return int(spec.get("version", 1)), LanguageLexicon(lang, cues, triggers, blockers, home)


def load_lexicon(folder: Path) -> tuple[int, dict[str, LanguageLexicon]]:
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise KnowledgeBaseError(f"{folder}: no lexicon files (expected <language>.yaml)")
    out: dict[str, LanguageLexicon] = {}
    version = 0
    for f in files:
        v, lex = load_language_lexicon(f)
        out[lex.language] = lex
        version = max(version, v)
    return version, out


@lru_cache(maxsize=4)
def load_knowledge(kb_dir: Path = KB_DIR) -> Knowledge:
    """Load and validate every knowledge file (cached per process: files are read-only data)."""
    countries = load_countries(kb_dir / "countries.yaml")
    actors = load_actors(kb_dir / "actors.yaml")
    weapons = load_weapons(kb_dir / "weapons.yaml")
    places = load_places(kb_dir / "places.yaml")
    version, lexicons = load_lexicon(kb_dir / "lexicon")
    by_id: dict[str, Actor] = {}
    for a in actors:
        if a.id in by_id:
            raise KnowledgeBaseError(f"actors.yaml: duplicate id {a.id!r}")
        by_id[a.id] = a
    return Knowledge(
        countries=countries, actors=actors, weapons=weapons, places=places,
        lexicons=lexicons, lexicon_version=version, by_id=by_id,
        country_by_code={c.code: c for c in countries},
        weapon_by_id={w.id: w for w in weapons}, place_by_id={p.id: p for p in places},
    )


@lru_cache(maxsize=1)
def boilerplate_cues(kb_dir: Path = KB_DIR) -> re.Pattern[str]:
    """Cue lines of page furniture (``boilerplate.yaml``), any language, one pattern."""
    data = _read_yaml(kb_dir / "boilerplate.yaml") or {}
    phrases = [p for items in (data.get("cues") or {}).values() for p in items or []]
    if not phrases:
        raise KnowledgeBaseError("boilerplate.yaml: no cues")
    alternation = "|".join(re.escape(fold(p)) for p in sorted(phrases, key=len, reverse=True))
    return re.compile(rf"^(?:{alternation}|©)(?:\W|$)")

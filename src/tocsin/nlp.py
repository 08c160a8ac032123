"""Per-process resources: spaCy pipelines, knowledge base and gazetteer, loaded once per
process and keyed by the settings, so that workers given the same settings agree."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .errors import ConfigError
from .gazetteer import Gazetteer, build_gazetteer
from pathlib import Path

from .knowledge import KB_DIR, Knowledge, load_knowledge
from .settings import Settings


@dataclass(frozen=True)
class Resources:
    settings: Settings
    kb: Knowledge
    gazetteer: Gazetteer
    pipelines: dict[str, Any]      # language -> full spaCy pipeline (+ sentencizer)
    splitters: dict[str, Any]      # language -> tokenizer + sentencizer only (cheap)


def load_pipeline(model: str) -> Any:
    import spacy

    try:
        nlp = spacy.load(model)
    except OSError as exc:
        raise ConfigError(
            f"spaCy model '{model}' is not installed: run `make install` (it is a pip "
            "dependency of tocsin)") from exc
    # Sentences come from a rule-based splitter run on paragraphs: the parser's own splits
    # are poor on scraped, machine-translated text.
    nlp.add_pipe("sentencizer", first=True)
    return nlp


def load_splitter(language: str) -> Any:
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=4)
def get_resources(settings: Settings) -> Resources:
    kb = load_knowledge(Path(settings.kb_dir) if settings.kb_dir else KB_DIR)
    pipelines = {}
    splitters = {}
    for lang in settings.languages:
        model = settings.model_for(lang)
        if model is None:
            raise ConfigError(f"no spaCy model configured for language '{lang}'")
        pipelines[lang] = load_pipeline(model)
        splitters[lang] = load_splitter(lang)
    return Resources(settings, kb, build_gazetteer(kb, settings.fuzzy_threshold), pipelines,
                     splitters)

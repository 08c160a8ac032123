"""Per-process resources: spaCy pipelines, knowledge base and gazetteer, loaded once per
process and keyed by the settings, so that workers given the same settings agree."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .embed import Encoder
from .errors import ConfigError
from .gazetteer import Gazetteer, Ref, build_gazetteer
from .knowledge import KB_DIR, Knowledge, load_knowledge
from .learned import MODEL_PATH, SentenceModel, load_model
from .settings import Settings


@dataclass(frozen=True)
class Resources:
    """Models and knowledge of one process. Pipelines load on first use of a language."""

    settings: Settings
    kb: Knowledge
    gazetteer: Gazetteer
    _pipelines: dict[str, Any] = field(default_factory=dict)
    _splitters: dict[str, Any] = field(default_factory=dict)
    _learned: dict[str, Any] = field(default_factory=dict)
    _capable: dict[str, dict[str, tuple[frozenset[str], ...]]] = field(
        default_factory=dict)

    def sentence_model(self) -> SentenceModel | None:
        """The learned layer's model (None when the settings turn it off)."""
        if not self.settings.learned:
            return None
        if "model" not in self._learned:
            path = Path(self.settings.model_path) if self.settings.model_path else MODEL_PATH
            self._learned["model"] = load_model(path)
        model: SentenceModel = self._learned["model"]
        return model

    def encoder(self) -> Encoder:
        if "encoder" not in self._learned:
            self._learned["encoder"] = Encoder(self.settings.embed_threads)
        encoder: Encoder = self._learned["encoder"]
        return encoder

    def capable_aliases(self, language: str | None = None
                        ) -> dict[str, tuple[frozenset[str], ...]]:
        """The gazetteer aliases (``language``: the lemma aliases of that language) naming a
        nuclear-capable system, as sets of folded words keyed by their longest word: a text
        holding no alias's every word cannot name one (see
        :func:`tocsin.candidates.could_name_capable_system`)."""
        key = language or ""
        if key not in self._capable:
            index = self.gazetteer.lemma_index.get(key, {}) if language else \
                self.gazetteer.index
            anchored: dict[str, set[frozenset[str]]] = {}
            for words, refs in index.items():
                if self._names_capable(refs):
                    anchor = max(words, key=lambda w: (len(w), w))
                    anchored.setdefault(anchor, set()).add(frozenset(words))
            self._capable[key] = {a: tuple(sorted(ks, key=sorted))
                                  for a, ks in anchored.items()}
        return self._capable[key]

    def _names_capable(self, refs: tuple[Ref, ...]) -> bool:
        weapon = next((self.kb.weapon_by_id.get(r.id) for r in refs if r.kind == "weapon"),
                      None)
        return weapon is not None and weapon.nuclear_capable

    def pipeline(self, language: str) -> Any:
        if language not in self._pipelines:
            model = self.settings.model_for(language)
            if model is None or language not in self.kb.lexicons:
                raise ConfigError(f"language '{language}' has no model or lexicon configured")
            self._pipelines[language] = load_pipeline(model)
        return self._pipelines[language]

    def splitter(self, language: str) -> Any:
        if language not in self._splitters:
            self._splitters[language] = load_splitter(language)
        return self._splitters[language]


def load_pipeline(model: str) -> Any:
    """A spaCy model by package name, or one of Tocsin's own pipelines ("tocsin:uk",
    "tocsin:ru"). Every pipeline returns spaCy Docs whose offsets index the input text."""
    if model == "tocsin:uk":
        from .slavic import UkrainianPipeline

        return UkrainianPipeline()
    if model == "tocsin:ru":
        from .slavic import RussianPipeline

        return RussianPipeline()
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
    """Tokenizer + rule-based sentencizer only: sentences for paragraphs not parsed."""
    import spacy

    nlp = spacy.blank(language)
    nlp.add_pipe("sentencizer")
    return nlp


@lru_cache(maxsize=4)
def get_resources(settings: Settings) -> Resources:
    kb = load_knowledge(Path(settings.kb_dir) if settings.kb_dir else KB_DIR)
    return Resources(settings, kb, build_gazetteer(kb, settings.fuzzy_threshold))

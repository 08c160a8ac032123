"""The learned layer: model file, the judge inside the pipeline, deterministic training."""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from tocsin.embed import DIM
from tocsin.ingest import content_id
from tocsin.learned import (
    MODEL_PATH,
    NONE,
    Neighbours,
    SentenceModel,
    load_model,
    rule_feature_names,
)
from tocsin.model import EVENT_TYPES, RawDocument
from tocsin.nlp import get_resources
from tocsin.pipeline import process_document
from tocsin.settings import Settings
from tocsin.train import (
    DocRows,
    GoldCorpus,
    TrainConfig,
    corpus_facts_digest,
    cue_names,
    load_manifest,
    train,
    train_with_digests,
)

ROOT = Path(__file__).resolve().parents[1]


def doc(text: str, published: str = "2024-06-12") -> RawDocument:
    return RawDocument(doc="t.txt", content_id=content_id("text", text), content=text,
                       published=date.fromisoformat(published))


def test_bundled_model_is_well_formed() -> None:
    m = load_model(MODEL_PATH)
    assert m.classes[0] == NONE and set(m.classes[1:]) <= set(EVENT_TYPES)
    assert m.neighbours is not None and m.neighbours.dim == DIM
    assert m.neighbours.types == m.classes[1:] and len(m.neighbours.labels) > 1000
    n = 3 * DIM + len(rule_feature_names(m.cue_names)) + len(m.neighbours.types)
    assert m.hidden_weights is not None and m.hidden_bias is not None
    width = m.hidden_weights.shape[1]
    assert m.hidden_weights.shape == (n, width) and m.hidden_bias.shape == (width,)
    assert m.weights.shape == (width, len(m.classes)) and m.mean.shape == (n,)
    assert np.all(m.scale > 0)
    assert 0 < m.threshold < 1 and m.threshold <= m.second_threshold <= 1.01
    xs, ys = m.calibration
    assert list(xs) == sorted(xs) and list(ys) == sorted(ys)
    assert all(0.0 <= y <= 1.0 for y in ys)
    card = (MODEL_PATH.with_suffix(".md")).read_text(encoding="utf-8")
    assert "Data card" in card and "Out-of-fold" in card


def test_the_shipped_model_was_trained_on_what_the_rules_read_today() -> None:
    # the model's input includes the rules' view of each sentence; when the rules or the
    # lexicons change what they see, the shipped model no longer matches what it is given
    # and `tocsin train` no longer rebuilds it: the digests tell (every training corpus but
    # news-train, six minutes to read; `tocsin train` writes every corpus's)
    m = load_model(MODEL_PATH)
    assert m.cue_names == cue_names(Settings())
    recorded = json.loads(MODEL_PATH.with_suffix(".facts.json").read_text(encoding="utf-8"))
    corpora = [c for c in load_manifest(ROOT / "corpora/training.yaml")
               if c.name != "news-train"]
    assert {c.name for c in corpora} | {"news-train"} == set(recorded["corpora"])
    for corpus in corpora:
        assert corpus_facts_digest(corpus, Settings()) == recorded["corpora"][corpus.name], (
            f"{corpus.name}: the rules read its sentences differently from when the shipped "
            "model was trained: rebuild it with `tocsin train` (see the README)")


def test_a_model_of_another_version_is_refused(tmp_path: Path) -> None:
    data = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    data["feature_version"] = -1
    bad = tmp_path / "m.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    from tocsin.errors import ConfigError

    with pytest.raises(ConfigError, match="tocsin train"):
        load_model(bad)


def test_neighbours_are_the_nearest_training_sentences_of_each_type() -> None:
    rng = np.random.default_rng(3)
    vectors = rng.normal(size=(40, 16)).astype(np.float32)
    labels = ["threat"] * 20 + ["test"] * 18 + ["doctrine"] * 2
    bank = Neighbours.of(vectors, labels, ("threat", "test", "doctrine", "exercise"), k=5)
    query = rng.normal(size=(3, 16)).astype(np.float32)
    unit = vectors / np.linalg.norm(vectors, axis=1, keepdims=True)
    cos = (query / np.linalg.norm(query, axis=1, keepdims=True)) @ unit.T
    got = bank.similarities(query)
    for t, (lo, hi) in enumerate([(0, 20), (20, 38), (38, 40)]):
        k = min(5, hi - lo)
        expected = np.sort(cos[:, lo:hi], axis=1)[:, -k:].mean(axis=1)
        assert np.allclose(got[:, t], expected, atol=0.02)     # int8 rows: ~1 % off
    assert np.all(got[:, 3] == 0)                                # no sentence of that type
    # a training sentence finds itself among its type's nearest (cosine 1)
    others = np.sort(unit[0] @ unit[1:20].T)[-4:]
    assert bank.similarities(vectors[:1])[0, 0] == pytest.approx((1 + others.sum()) / 5,
                                                                 abs=0.02)
    again = Neighbours.from_json(json.loads(json.dumps(bank.to_json())))
    assert np.array_equal(again.codes, bank.codes) and np.array_equal(again.labels, bank.labels)
    assert np.array_equal(again.similarities(query), got)


def test_training_neighbours_come_from_the_other_folds_only() -> None:
    from tocsin.train import fold_of, with_neighbour_features

    rng = np.random.default_rng(5)
    width = 3 * 8 + 2
    docs = []
    for i in range(12):
        x = rng.normal(size=(3, width)).astype(np.float32)
        docs.append(DocRows("c", f"d{i}.txt", "en", x, [("threat",), ("test",), ()],
                            [frozenset({"threat"}), frozenset({"test"}), frozenset()],
                            [False, False, False], alone=x.copy()))
    # a twin of d0 in the same fold and in another: only the other fold's may be found
    folds = [fold_of(d.doc, 5) for d in docs]
    same = next(i for i in range(1, 12) if folds[i] == folds[0])
    other = next(i for i in range(1, 12) if folds[i] != folds[0])
    docs[same].x[0, :8] = docs[0].x[0, :8]
    augmented = with_neighbour_features(docs, ("threat", "test"), 8,
                                        TrainConfig(neighbours=1))
    assert augmented[0].x.shape == (3, width + 2)
    assert augmented[0].x[0, -2] < 0.99            # its same-fold twin is not a neighbour
    docs[other].x[0, :8] = docs[0].x[0, :8]
    augmented = with_neighbour_features(docs, ("threat", "test"), 8,
                                        TrainConfig(neighbours=1))
    assert augmented[0].x[0, -2] > 0.99            # the other fold's twin is
    assert np.array_equal(augmented[0].alone, augmented[0].x)


def always(etype: str, base: SentenceModel) -> SentenceModel:
    """A model that calls every candidate sentence an ``etype`` event (probability ~0.9)."""
    k = base.classes.index(etype)
    bias = np.full(len(base.classes), -5.0)
    bias[k] = 5.0
    weights = np.zeros((base.mean.shape[0], len(base.classes)))   # a softmax, no hidden layer
    return SentenceModel(base.classes, base.cue_names, base.mean, base.scale,
                         weights, bias, 0.5, 1.01, ((0.0, 1.0), (0.0, 0.8)),
                         neighbours=base.neighbours)


def test_the_judge_decides_and_the_rules_fill_the_fields(tmp_path: Path) -> None:
    base = load_model(MODEL_PATH)
    path = tmp_path / "always.json"
    from tocsin.learned import save_model

    save_model(always("exercise", base), path)
    s = Settings(model_path=str(path))
    text = ("The weather in Narvia stayed mild all week and the harvest was good.\n\n"
            "Farmers sold their wheat at the market of the capital.\n\n"
            "The school year starts in September.\n\n"
            "A new museum opened in the old town.\n\n"
            "Bakeries reported record sales of bread.\n\n"
            "The council debated a new road.\n\n"
            "Russia began drills of its nuclear forces on Tuesday.\n\n"
            "The crews practised loading the launchers at night.")
    events = process_document(doc(text), s).events
    sentences = [e.sentence for e in events]
    # candidates are the hot sentence and its neighbours, not the far paragraphs
    assert "Russia began drills of its nuclear forces on Tuesday." in sentences
    assert "The crews practised loading the launchers at night." in sentences
    assert not any("weather" in t or "Farmers" in t for t in sentences)
    assert {e.type for e in events} == {"exercise"}
    crews = next(e for e in events if e.sentence.startswith("The crews"))
    assert crews.actor is not None and crews.actor.country == "RUS"   # continues Russia's drills
    assert all(abs(e.confidence - 0.8 * 0.9933) < 0.01 for e in events)   # calibrated


def test_an_article_with_no_nuclear_term_is_not_embedded() -> None:
    s = Settings()
    res = get_resources(s)
    before = res.encoder().calls
    text = ("The derby ended two-all after a late penalty.\n\n"
            "The coach called the decision a nuclear option for the league.")
    assert process_document(doc(text), s).events == ()
    assert res.encoder().calls == before


def test_a_passing_nuclear_mention_the_rules_see_no_signal_in_is_not_embedded() -> None:
    """One or two hot sentences and no rule event: nothing for the judge alone to read (with
    ``judge_alone_min_hot=0`` it is embedded, and still keeps no event)."""
    text = ("Tens of thousands of people gathered in the Peace Memorial Park on 6 August to mark "
            "the anniversary of the 1945 atomic bombing of the city.\n\n"
            "The mayor read a peace declaration and a minute's silence was observed at 8:15.")
    for min_hot, embeds in ((3, False), (0, True)):
        s = Settings(judge_alone_min_hot=min_hot)
        res = get_resources(s)
        before = res.encoder().calls
        result = process_document(doc(text), s)
        assert result.events == ()
        assert result.extra["cost"]["parsed"] > 0          # it did reach the rules
        assert (res.encoder().calls > before) == embeds


@pytest.mark.parametrize("text", [
    "The new reactor at the nuclear power plant near Lyon was connected to the grid on "
    "Monday, the operator said. Engineers will raise its output over the coming weeks.",
    "Russian forces struck Odesa overnight with Iskander missiles and drones, killing two "
    "people, the regional governor said. Air defences shot down most of the drones.",
    "En 1962, la crise des missiles de Cuba a mis le monde au bord de la guerre nucléaire. "
    "Les historiens rappellent le rôle des canaux secrets entre Washington et Moscou.",
])
def test_distractors_stay_silent(text: str) -> None:
    assert process_document(doc(text), Settings()).events == ()


def test_training_is_deterministic(tmp_path: Path) -> None:
    corpora = [GoldCorpus("fr", ROOT / "examples/gold/fr.jsonl", ROOT / "examples"),
               GoldCorpus("en", ROOT / "examples/gold/en.jsonl", ROOT / "examples")]
    # two networks (side by side as in the shipped model), fewer passes: a shorter test;
    # two jobs: the result does not depend on them
    config = TrainConfig(folds=3, bag=2, epochs=60, jobs=2)
    from tocsin.learned import save_model

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    trained, digests = train_with_digests(corpora, Settings(), config)
    save_model(trained, a)
    # what training saw of the rules is what a reading by the rules alone sees
    assert digests["fr"] == corpus_facts_digest(corpora[0], Settings())
    assert digests["fr"] != digests["en"]
    save_model(train(corpora, Settings(), replace(config, jobs=1)), b)
    assert a.read_bytes() == b.read_bytes()
    model = load_model(a)
    assert model.card["corpora"]["fr"]["documents"] == 16
    # the saved model is the trained one, hidden layer included
    assert model.hidden_weights is not None and model.hidden_weights.shape[1] == 2 * 128
    x = np.random.default_rng(0).normal(size=(5, model.mean.shape[0]))
    assert np.array_equal(model.probabilities(x), trained.probabilities(x))


def test_a_softmax_head_is_still_trained_and_read(tmp_path: Path) -> None:
    from tocsin.learned import save_model

    corpora = [GoldCorpus("fr", ROOT / "examples/gold/fr.jsonl", ROOT / "examples")]
    path = tmp_path / "softmax.json"
    save_model(train(corpora, Settings(), TrainConfig(folds=2, hidden=0)), path)
    model = load_model(path)
    assert model.hidden_weights is None and model.weights.shape[0] == model.mean.shape[0]
    assert "softmax_c" in model.card["head"]
    probs = model.probabilities(np.zeros((1, model.mean.shape[0])))
    assert probs.shape == (1, len(model.classes)) and abs(probs.sum() - 1) < 1e-9


def test_manifest_paths_are_relative_to_it(tmp_path: Path) -> None:
    (tmp_path / "g.jsonl").write_text("", encoding="utf-8")
    (tmp_path / "m.yaml").write_text(
        "corpora:\n  - {name: a, gold: g.jsonl, root: .}\n"
        "  - {name: b, gold: absent.jsonl, root: ., optional: true}\n", encoding="utf-8")
    (c,) = load_manifest(tmp_path / "m.yaml")
    assert c.gold == tmp_path / "g.jsonl" and c.root == tmp_path


def test_expected_calibration_error() -> None:
    from tocsin.evaluate import calibration_error, precision_at

    assert calibration_error([(0.9, 1.0)] * 9 + [(0.9, 0.0)]) == pytest.approx(0.0)
    assert calibration_error([(0.9, 0.0)] * 10) == pytest.approx(0.9)
    assert precision_at([(0.95, 1.0), (0.6, 0.0), (0.2, 0.0)], 0.5) == (0.5, 2)


def test_disk_cache_gives_the_same_vectors_without_embedding_again(tmp_path: Path) -> None:
    from tocsin.embed import DiskCachedEncoder, Encoder

    texts = [f"Sentence {i} about drills of the strategic forces." for i in range(40)]
    first = DiskCachedEncoder(Encoder(1), str(tmp_path / "cache"))
    vectors = first.encode(texts)
    first.save()
    again = DiskCachedEncoder(Encoder(1), str(tmp_path / "cache"))
    assert np.array_equal(again.encode(texts), vectors)
    assert again.inner.calls == 0 and len(again.known) == 40


def test_a_lone_sentence_is_judged_as_it_is_in_an_article(tmp_path: Path) -> None:
    """A one-line post gets the event the same sentence gets inside an article."""
    sentence = "Russia began drills of its nuclear forces near the border on Tuesday."
    article = ("Officials in Moscow gave few details.\n\n" + sentence + "\n\n"
               "Western governments said they were watching closely.")
    alone = process_document(doc(sentence), Settings()).events
    inside = [e for e in process_document(doc(article), Settings()).events
              if e.sentence == sentence]
    assert [e.type for e in alone] == [e.type for e in inside] == ["exercise"]


def test_an_article_only_the_judge_reads_needs_one_sure_event() -> None:
    """Where the rules see no signal, the judge's events stand only if one is sure."""
    from dataclasses import replace

    from tocsin.pipeline import corroborated

    text = ("Officials in Moscow gave few details.\n\n"
            "Russia began drills of its nuclear forces near the border on Tuesday.")
    res = process_document(doc(text), Settings())
    assert res.events
    facts_seen = [SimpleFacts(rule_type="exercise")]
    facts_none = [SimpleFacts(rule_type=None)]
    s = Settings(judge_alone_confidence=0.8)
    unsure = [replace(e, confidence=0.6) for e in res.events]
    sure = unsure[:-1] + [replace(unsure[-1], confidence=0.85)]
    assert corroborated(unsure, facts_none, s) == []          # judge alone, unsure: dropped
    assert corroborated(sure, facts_none, s) == sure          # judge alone, sure: kept
    assert corroborated(unsure, facts_seen, s) == unsure      # the rules saw a signal: kept


@dataclass(frozen=True)
class SimpleFacts:
    rule_type: str | None


def test_cross_validation_scores_every_document_with_a_model_that_never_saw_it(
        tmp_path: Path) -> None:
    from tocsin.crossval import cross_validate, doc_file, leave_out
    from tocsin.embed import Encoder
    from tocsin.evaluate import load_gold
    from tocsin.train import collect

    en = ROOT / "examples/gold/en.jsonl"
    # the manifest lists the evaluated set itself, under another name: it must be left out
    corpora = [GoldCorpus("fr", ROOT / "examples/gold/fr.jsonl", ROOT / "examples"),
               GoldCorpus("same-as-evaluated", en, ROOT / "examples")]
    encoder = Encoder(1)
    rows = collect(corpora, Settings(), encoder)
    evaluated = {doc_file(ROOT / "examples", d.doc) for d in load_gold(en)}
    kept = leave_out(rows, corpora, evaluated)
    assert kept and {r.corpus for r in kept} == {"fr"}
    report = cross_validate([en], ROOT / "examples", Settings(), corpora, encoder, folds=3,
                            config=TrainConfig(folds=3))
    gold_docs = load_gold(en)
    assert report.n_docs == len(gold_docs) and report.n_missing == 0
    required = sum(1 for d in gold_docs for e in d.events if not e.optional)
    assert report.overall.tp + report.overall.fn == required
    assert report.overall.tp > 0 and report.stories is not None


def test_an_unsigned_judgment_speaks_from_the_side_its_press_quotes() -> None:
    uk = ("Росія почала навчання з тактичною ядерною зброєю біля кордону з Україною.\n\n"
          "На думку експертів, ці ядерні навчання — черговий прояв ядерного шантажу.")
    en = ("Russia began tactical nuclear weapons drills near the border with Ukraine.\n\n"
          "In the view of experts, these nuclear drills are more nuclear blackmail.")
    judged = {}
    for lang, text in (("uk", uk), ("en", en)):
        res = process_document(doc(text), Settings())
        judged[lang] = [e for e in res.events if e.type in ("assessment", "reaction")]
    assert judged["uk"] and all(e.actor is not None and e.actor.country == "UKR"
                                for e in judged["uk"])
    # English has no home side: the unnamed experts stay unknown
    assert all(e.actor is None or e.actor.country != "UKR" for e in judged["en"])


ZNPP_WIRE = (
    "Drones hit the Zaporizhzhia nuclear power plant for the third time this week, the IAEA "
    "said on Sunday.\n\n"
    "A strike damaged the roof of the reactor hall of unit six, and radiation levels stayed "
    "normal, the plant's Russian-installed management said.\n\n"
    "Ukraine's foreign minister called the shelling of the power plant an act of nuclear "
    "terrorism and urged the IAEA Board of Governors to act.\n\n"
    "\"Attacks on a nuclear power plant are reckless and must stop,\" the IAEA director "
    "general said, adding that the plant's reactors were in cold shutdown.\n\n"
    "Rosatom accused Kyiv of nuclear blackmail and said it would raise the incident at the UN "
    "Security Council.")
MEDVEDEV = ("\n\nIn Moscow, Dmitry Medvedev warned that Russia could use nuclear weapons "
            "against Ukraine's Western backers.")


def test_a_power_plant_story_keeps_only_sentences_that_name_weapons(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Reactions to the shelling of a nuclear power plant read like reactions to a nuclear
    signal (the judge and the rules both see them) but are not events; a threat told in the
    same article is."""
    import tocsin.candidates

    s = Settings()
    kinds = {}
    for gate in (True, False):
        if not gate:
            monkeypatch.setattr(tocsin.candidates, "CIVIL_MIN", 10**6)
        kinds[gate] = [sorted(e.type for e in process_document(doc(text), s).events)
                       for text in (ZNPP_WIRE, ZNPP_WIRE + MEDVEDEV)]
    # what the gate removes: the judge's reactions in the article that also tells a threat
    # (alone, the power-plant wire has no sentence the judge is sure of)
    assert set(kinds[False][1]) == {"reaction", "threat"}
    assert kinds[True] == [[], ["threat"]]


CUBA = ("Sixty years ago this week the world came closer to nuclear war than ever before.\n\n"
        "On 22 October 1962 President Kennedy announced a naval quarantine of Cuba and warned "
        "that any nuclear missile launched from the island would bring a full retaliatory "
        "response upon the Soviet Union.\n\n"
        "On 28 October 1962 Khrushchev agreed to dismantle the missile sites.")


def test_history_told_in_the_news_is_no_event(tmp_path: Path) -> None:
    """A 1962 warning in an article of 2022 is history; the same article undated (an
    encyclopaedia's) keeps it, as does a setting of 0. (A model that calls every candidate a
    threat: the gate is tested, not the model's reading of these sentences.)"""
    from tocsin.learned import save_model

    path = tmp_path / "always.json"
    save_model(always("threat", load_model(MODEL_PATH)), path)

    def dated_1962(published: str | None, years: int) -> list[str]:
        raw = RawDocument(doc="t.txt", content_id=content_id("text", CUBA), content=CUBA,
                          published=date.fromisoformat(published) if published else None)
        settings = Settings(history_years=years, model_path=str(path))
        return [e.sentence for e in process_document(raw, settings).events
                if "1962" in e.sentence]

    kept = dated_1962(None, 15)
    assert kept and kept == dated_1962("2022-10-22", 0)
    assert dated_1962("2022-10-22", 15) == []


KINZHAL_NIGHT = (
    "Russia fired six Kinzhal missiles and a dozen drones at Kyiv overnight, Ukraine's air "
    "force said on Tuesday.\n\n"
    "Air defences shot down all of the missiles, but falling debris damaged two apartment "
    "blocks and wounded four civilians, the city administration said.\n\n"
    "The Kinzhal, which Moscow says can carry a nuclear warhead, was launched from MiG-31K "
    "jets over the Belgorod region.\n\n"
    "Russia's defence ministry said it had struck command posts with precision weapons.")
THREAT_AFTER = ("\n\nHours later Dmitry Medvedev wrote that Russia might have to use nuclear "
                "weapons if Western missiles kept hitting its territory.")


def test_a_conventional_strike_report_is_told_from_a_nuclear_story() -> None:
    """A Kinzhal strike told as a war report (what the missile can carry is no signal) is a
    conventional war story, whose events are dropped; a nuclear threat in the same article,
    or a strategic system (an Oreshnik strike), makes it a nuclear story."""
    from tocsin.candidates import conventional_war_story
    from tocsin.clean import clean
    from tocsin.model import Article
    from tocsin.pipeline import prepare

    s = Settings()
    res = get_resources(s)

    def war(text: str) -> bool:
        article = clean(doc(text), s)
        assert isinstance(article, Article)
        p = prepare(article, res)
        return conventional_war_story(p.cues, p.matches, res)

    assert war(KINZHAL_NIGHT)
    assert not war(KINZHAL_NIGHT + THREAT_AFTER)
    assert not war(KINZHAL_NIGHT.replace("six Kinzhal missiles", "an Oreshnik missile"))
    second = KINZHAL_NIGHT.split("\n\n")[1]        # what the strikes left
    assert not war(KINZHAL_NIGHT.replace(second, "The governor gave no details."))


def test_an_article_threshold_keeps_details_of_sure_articles_only() -> None:
    from tocsin.train import Scored, choose_article_threshold, choose_thresholds, counts, f_beta

    classes = ("none", "threat")
    rng = np.random.default_rng(3)

    def row(p: float, doc: str, event: bool) -> Scored:
        gold = ("threat",) if event else ()
        return Scored(np.array([1 - p, p]), frozenset(gold), gold, False, "en", doc)

    rows = []
    for a in range(60):   # signal articles: one sure sentence, details judged less surely
        rows.append(row(0.9, f"a{a}", True))
        rows += [row(p, f"a{a}", True) for p in rng.uniform(0.15, 0.5, 3)]
        rows += [row(p, f"a{a}", False) for p in rng.uniform(0.0, 0.25, 3)]
    for d in range(60):   # distractors: doubtful sentences only
        rows += [row(p, f"d{d}", False) for p in rng.uniform(0.05, 0.3, 5)]
    first, second = choose_thresholds(rows, classes, 0, 0.2)
    article = choose_article_threshold(rows, classes, first, second, 0, 1.25)
    assert article < first
    with_it = counts(rows, classes, first, second, 0, article)
    without = counts(rows, classes, first, second, 0)
    assert with_it[2] < without[2]                 # fewer details missed
    assert f_beta(*with_it, 1.25) > f_beta(*without, 1.25)
    # a distractor's sentences at the article threshold stay silent: no sure sentence there
    lone = [row(article + 0.01, "d-lone", False)]
    assert counts(lone, classes, first, second, 0, article) == (0, 0, 0)
    assert counts(lone, classes, article, second, 0) == (0, 1, 0)
    # beta 1 keeps a single threshold when it scores best
    assert choose_article_threshold(rows[:1], classes, first, second, 0, 1.0) == first
    assert f_beta(10, 0, 0, 1.0) == 1.0 and f_beta(0, 5, 5, 2.0) == 0.0


def test_a_model_judges_details_only_in_an_article_with_a_sure_sentence() -> None:
    from tocsin.pipeline import ArticleJudge

    model = load_model()
    assert model.article_threshold is not None and model.article_threshold < model.threshold
    probs = np.zeros(len(model.classes))
    k = model.classes.index("threat")
    probs[k] = (model.threshold + model.article_threshold) / 2
    probs[model.classes.index("none")] = 1 - probs[k]
    assert not model.sure(probs) and [t for t, _ in model.decide(probs)] == ["threat"]
    probs[k], probs[model.classes.index("none")] = 0.95, 0.05
    assert model.sure(probs)
    judge = ArticleJudge(model, None)
    assert judge(None) == [] and not judge.sure   # type: ignore[arg-type]


# Written for this test: a Ukrainian official calls Russian nuclear use possible (a judgment),
# and the same words from a Russian official (his own side's threat).
JUDGED_USE = ("Danilov: Moscow may go nuclear\n\n\"If Russia finds itself facing a catastrophic "
              "defeat, the possibility that Putin will use tactical nuclear weapons must not be "
              "excluded,\" said Oleksiy Danilov, the secretary of Ukraine's security council.")
OUTRAGE = ("Kuleba outraged\n\nDmytro Kuleba, Ukraine's foreign minister, voiced outrage at "
           "the prospect that Vladimir Putin could use nuclear weapons against Ukrainian "
           "cities.")
OWN_USE = ("Lavrov: Moscow may go nuclear\n\nRussia's foreign minister Sergei Lavrov said on "
           "Tuesday that Moscow might order the use of tactical nuclear weapons if the Russian "
           "army suffers a major defeat in the south.")


def test_an_official_of_a_state_without_nuclear_weapons_judges_anothers_use() -> None:
    """The model reads "the possibility that Putin will use … , said Danilov" as a threat;
    Ukraine makes no nuclear threats, so its security secretary is judging Russia's intent
    (spec: assessment), and so is its minister "voicing outrage" that Putin could. A Russian
    minister saying his side might use them threatens."""
    judged = process_document(doc(JUDGED_USE), Settings()).events
    said = [e for e in judged if "Danilov" in e.sentence]
    assert said and all(e.type == "assessment" for e in said)
    assert said[0].actor is not None and said[0].actor.country == "UKR"
    # no speech verb: the official the main verb is said of calls Putin's use possible
    outraged = process_document(doc(OUTRAGE), Settings()).events
    assert outraged and all(e.type == "assessment" for e in outraged)
    assert outraged[0].actor is not None and outraged[0].actor.name == "Dmytro Kuleba"
    own = process_document(doc(OWN_USE), Settings()).events
    assert any(e.type == "threat" and e.actor is not None and e.actor.country == "RUS"
               for e in own)


NUCLEAR_WEEK = {
    "en": ("Medvedev threatens\n\nDmitry Medvedev warned on Monday that Russia could use nuclear "
           "weapons against any country that supplies long-range missiles to Ukraine.\n\n"
           "Ukraine's foreign ministry called the warning another round of nuclear blackmail."
           "\n\nSeparately, the State Department strongly condemned the overnight missile "
           "attacks on Kyiv, which hit apartment blocks.\n\n"
           "Washington also rejected Moscow's claims about secret biological laboratories in "
           "Ukraine as disinformation."),
    "fr": ("Medvedev menace\n\nDmitri Medvedev a averti lundi que la Russie pourrait utiliser "
           "l'arme nucléaire contre tout pays qui livre des missiles à longue portée à "
           "l'Ukraine.\n\nLe ministère ukrainien des Affaires étrangères a dénoncé un nouveau "
           "chantage nucléaire.\n\nParis a par ailleurs condamné les bombardements de la nuit "
           "sur Kiev, qui ont touché des immeubles."),
}


@pytest.mark.parametrize("lang", sorted(NUCLEAR_WEEK))
def test_a_reaction_to_a_harm_that_is_not_nuclear_is_no_event(lang: str,
                                                               tmp_path: Path) -> None:
    """In an article about a nuclear threat, a condemnation of missile strikes or a denial of
    biological-weapons claims reads like a reaction to the threat; its sentence names no
    nuclear weapon and names the other harm, so it is none. (A model that calls every
    candidate a reaction: the gate is tested, not the model's reading.)"""
    from tocsin.learned import save_model

    path = tmp_path / "always.json"
    save_model(always("reaction", load_model(MODEL_PATH)), path)
    text = NUCLEAR_WEEK[lang]
    raw = RawDocument(doc="t.txt", content_id=content_id("text", text), content=text,
                      published=date(2024, 6, 12))
    events = process_document(raw, Settings(model_path=str(path))).events
    told = " ".join(e.sentence for e in events if e.type == "reaction")
    assert "blackmail" in told or "chantage" in told          # a reaction to the threat
    for harm in ("missile attacks", "biological", "bombardements"):
        assert harm not in told


ICBM_REPORTED = ("Russia fires new missile at Dnipro\n\nUkraine's air force said on Thursday "
                 "that an intercontinental ballistic missile capable of carrying nuclear "
                 "warheads had been launched from Russia's Astrakhan region at Dnipro. The air "
                 "force said it was the first use of an ICBM in the war.")


def test_a_test_reported_by_a_state_without_nuclear_forces_is_not_its_own() -> None:
    """"Ukraine's air force said an ICBM was launched from Russia's Astrakhan region": the
    reporter is read as the launch's doer; a state with no nuclear forces tests none, so the
    doer is the one state with forces the sentence names, and the next sentence's, which
    names none, the article's last signaller."""
    events = process_document(doc(ICBM_REPORTED), Settings()).events
    tests = [e for e in events if e.type == "test" and "air force" in e.sentence]
    assert len(tests) == 2
    assert all(e.actor is not None and e.actor.country == "RUS" for e in tests)

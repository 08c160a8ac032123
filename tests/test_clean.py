# ruff: noqa: E501  (the fixture reproduces long scraped lines)
from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tocsin.clean import classify_boilerplate, clean, split_paragraphs
from tocsin.ingest import content_id
from tocsin.model import Article, RawDocument, Skipped
from tocsin.settings import Settings

# A scraped dump written for this test: rubric line, headline, body, then the furniture that
# scraped pages carry (placeholder, share line, teaser list of headline + lead pairs).
DUMP = """Monde

La Bordurie annonce des manoeuvres nucléaires près de sa frontière

Le ministre bordure de la Défense, Ivan Petrenko, a annoncé lundi le début d'exercices des forces nucléaires tactiques dans le district de l'Est.

Selon lui, les unités de missiles s'entraînent « pour la première fois » avec des ogives factices.

gallery_imggallery_imggallery_img

Partager cet article :

À lire aussi

Le prix du pain augmente encore dans la capitale

Les boulangers de la capitale ont relevé leurs tarifs pour la troisième fois...

Un nouveau pont ouvre sur le fleuve Vert

Les travaux, commencés il y a quatre ans, se sont achevés plus tôt que prévu...

Moscou menace encore d'utiliser l'arme nucléaire

Le Kremlin a de nouveau évoqué l'arsenal nucléaire russe lors d'un discours...
"""


def raw(text: str, kind: str = "text") -> RawDocument:
    return RawDocument(doc="t.txt", content_id=content_id(kind, text), content=text,
                       kind=kind)  # type: ignore[arg-type]


def test_dump_body_kept_and_tail_dropped() -> None:
    art = clean(raw(DUMP), Settings())
    assert isinstance(art, Article)
    body = [art.text[p.start : p.end] for p in art.body]
    assert body[0].startswith("La Bordurie annonce")
    assert any("Ivan Petrenko" in b for b in body)
    assert any("ogives factices" in b for b in body)
    dropped = "\n".join(art.text[p.start : p.end] for p in art.paragraphs if p.boilerplate)
    assert "Moscou menace" in dropped and "Le Kremlin a de nouveau" in dropped
    assert "Monde" in dropped and "Partager" in dropped and "gallery_img" in dropped
    assert art.language == "fr"


def test_offsets_map_back_to_original_text() -> None:
    art = clean(raw(DUMP), Settings())
    assert isinstance(art, Article)
    assert art.text == DUMP
    for p in art.paragraphs:
        assert DUMP[p.start : p.end].strip() == DUMP[p.start : p.end]
        assert DUMP[p.start : p.end]


def test_hard_wrapped_lines_are_joined() -> None:
    text = "The minister said the drills\nwould start on Monday.\nA new paragraph."
    paras = split_paragraphs(text)
    assert [text[p.start : p.end] for p in paras] == [
        "The minister said the drills\nwould start on Monday.", "A new paragraph."]


def test_teaser_pairs_inside_body_are_boilerplate() -> None:
    paras = ["A long first sentence of the article, about nuclear exercises.",
             "Read also",
             "Another headline about something else entirely",
             "The article goes on with a second proper sentence."]
    reasons = classify_boilerplate(paras)
    assert reasons[0] is None and reasons[3] is None
    assert reasons[1] == "cue" and reasons[2] == "teaser"


def test_html_main_text_and_published_date() -> None:
    html = """<!doctype html><html><head><title>Drills | Example</title>
    <meta property="article:published_time" content="2024-05-21T09:30:00+00:00"></head>
    <body><nav><a href="/">Home</a><a href="/world">World</a></nav>
    <article><h1>Drills begin</h1>
    <p>The defence ministry of the fictional Republic of Borduria said on Tuesday that its
    nuclear forces had begun exercises near the eastern border, the first such drills this year.</p>
    <p>Officials added that the exercises would last a week and involve several missile units
    trained to carry nuclear warheads.</p></article>
    <footer>© 2024 Example Media. All rights reserved. We use cookies.</footer></body></html>"""
    art = clean(raw(html, "html"), Settings())
    assert isinstance(art, Article)
    assert "nuclear forces had begun exercises" in art.text
    assert "cookies" not in art.text
    assert art.published is not None and art.published.isoformat() == "2024-05-21"


def test_empty_and_furniture_only_documents_are_skipped() -> None:
    assert isinstance(clean(raw("Accueil\nMenu\nPartager\n"), Settings()), Skipped)
    assert isinstance(clean(raw("<html><body></body></html>", "html"), Settings()), Skipped)
    res = clean(raw("<html><p>unclosed <b>bold <div>" * 3, "html"), Settings())
    assert isinstance(res, (Skipped, Article))


@hsettings(max_examples=80, deadline=None)
@given(st.text(max_size=1500))
def test_clean_never_crashes_on_text(text: str) -> None:
    res = clean(raw(text), Settings())
    assert isinstance(res, (Article, Skipped))
    if isinstance(res, Article):
        for p in res.paragraphs:
            assert 0 <= p.start <= p.end <= len(res.text)


@hsettings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["<p>", "</p>", "<div>", "<html>", "<body>", "text nucléaire ",
                                 "&amp;", "<script>", "\x00", "<!--", "é"]), max_size=40))
def test_clean_never_crashes_on_html(parts: list[str]) -> None:
    res = clean(raw("".join(parts), "html"), Settings())
    assert isinstance(res, (Article, Skipped))

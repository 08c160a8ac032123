"""Load on the HTTP API: event queries under concurrent clients, over a store of N events.

    python bench/api_load.py [--events 100000] [--clients 20] [--seconds 30] [--db URL]
                             [--workers 2]

1. Fills a store with ``--events`` synthetic events (default 100,000), written in bulk through
   the store's own tables (``tocsin.store``): documents (two events each, published 2017-2025),
   one evidence sentence per event (so full-text search and ``text=`` find them), events of
   every type, 14 actor countries, 4 languages (en, fr, ru, uk), dates full, month-only,
   year-only or missing. Rows are written as ``Store.save`` writes them (``sentences.doc``,
   ``folded`` on PostgreSQL); the generated columns (``events.date_key``, PostgreSQL's
   ``sentences.folded_tsv``) are computed by the database. An SQLite store is a file under
   ``bench/out/`` by default; ``--db``
   takes a file path or a ``postgresql+psycopg://`` URL (``bash scripts/pg-test-server start``
   prints one). A store that already holds exactly these N synthetic events is reused;
   otherwise the SQLite file is recreated, or the PostgreSQL tables are emptied (TRUNCATE).
2. Starts a real server, ``python -m tocsin serve --db ... --workers 2 --no-access-log``
   (uvicorn, one process per core of a 2-core machine, as a team would run it there behind a
   reverse proxy that logs the requests; ``--access-log`` to keep uvicorn's line per request,
   which costs about a fifth of the throughput; ``--workers N`` to change;
   on PostgreSQL its sessions plan no parallel workers) on 127.0.0.1 and a free port, and
   waits until it answers.
3. Runs ``--clients`` threads, each with its own keep-alive connection, issuing event
   queries for ``--seconds`` (after a 2 s warm-up that is not counted): plain lists (oldest or
   newest first), filters by type, by actor country, by a date range, all three together,
   the next page through ``next_cursor``, events whose evidence contains a word (``text=``),
   and sentence search (``/api/v1/search``).
4. Prints requests/s and p50/p95/p99 latency per query kind and overall, how many answers came
   from the server's answer cache (``--cache-entries``: kept until the store changes; the
   first page of a list repeats, a date window or a deep cursor page rarely does; 0 measures
   every query on the database; every ``--write-every`` seconds a writer stores a new
   article as ``tocsin watch`` would, which empties the caches; it is removed after the
   run), then PASS or FAIL against p99 < 100 ms overall (exit status 1 on FAIL, 2 on
   errors).

The clients run on the same machine as the server and share its cores: latencies include the
client's own time. The load average before the run is printed, as the machine may be shared.
The clients are a closed loop (each sends its next request when the last is answered), so the
mean latency is ``clients / (requests/s)``: once the server's CPU is saturated, the latencies
measure the queue; ``--clients 1`` gives each query's own latency.
"""

from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from tocsin.model import (  # noqa: E402
    EVENT_TYPES,
    MODALITIES,
    Article,
    DocumentResult,
    Entity,
    Event,
    EventDate,
    Paragraph,
    Sentence,
)
from tocsin.settings import Settings  # noqa: E402
from tocsin.store import Store, documents, events, open_store, runs, sentences  # noqa: E402
from tocsin.textutil import fold  # noqa: E402

MARK = "bench/api_load synthetic events"
TARGET_P99_MS = 100.0
WARMUP_S = 2.0

# (code, name by language en/fr/ru/uk)
ACTORS = [
    ("RUS", "Russia", "la Russie", "Россия", "Росія"),
    ("USA", "the United States", "les États-Unis", "США", "США"),
    ("NATO", "NATO", "l'OTAN", "НАТО", "НАТО"),
    ("PRK", "North Korea", "la Corée du Nord", "КНДР", "КНДР"),
    ("CHN", "China", "la Chine", "Китай", "Китай"),
    ("IRN", "Iran", "l'Iran", "Иран", "Іран"),
    ("UKR", "Ukraine", "l'Ukraine", "Украина", "Україна"),
    ("FRA", "France", "la France", "Франция", "Франція"),
    ("GBR", "the United Kingdom", "le Royaume-Uni", "Великобритания", "Велика Британія"),
    ("BLR", "Belarus", "la Biélorussie", "Белоруссия", "Білорусь"),
    ("ISR", "Israel", "Israël", "Израиль", "Ізраїль"),
    ("IND", "India", "l'Inde", "Индия", "Індія"),
    ("PAK", "Pakistan", "le Pakistan", "Пакистан", "Пакистан"),
    ("IAEA", "the IAEA", "l'AIEA", "МАГАТЭ", "МАГАТЕ"),
]
# Heavier on the usual suspects, as in the news
ACTOR_WEIGHTS = [30, 18, 10, 9, 6, 6, 5, 3, 3, 4, 1, 2, 2, 1]
WEAPONS = ["Iskander", "Sarmat", "Minuteman III", "Hwasong-18", "Trident II", "Kinzhal",
           "Avangard", "B61", "DF-41", "Burevestnik", "Agni-V", "Shaheen-III"]
PLACES = [("Kaliningrad", "RUS"), ("Minsk", "BLR"), ("Pyongyang", "PRK"), ("Kyiv", "UKR"),
          ("Zaporizhzhia", "UKR"), ("Novaya Zemlya", "RUS"), ("Natanz", "IRN"),
          ("Vandenberg", "USA"), ("Lop Nur", "CHN"), ("Brussels", "BEL"), ("Geneva", "CHE")]
LANGUAGES = ["en", "fr", "ru", "uk"]
LANGUAGE_WEIGHTS = [55, 15, 20, 10]
TEMPLATES = {
    "en": ["{actor} warned that it could use {weapon} missiles near {place}, {who} said.",
           "{actor} moved {weapon} launchers to {place} as part of a nuclear exercise.",
           "{who} said {actor} had raised the readiness of its nuclear forces near {place}.",
           "{actor} tested a {weapon} missile capable of carrying a nuclear warhead.",
           "{actor} rejected talks on arms control and the {weapon} deployment at {place}."],
    "fr": ["{actor} a menacé d'utiliser des missiles {weapon} près de {place}, selon {who}.",
           "{actor} a déployé des lanceurs {weapon} à {place} lors d'un exercice nucléaire.",
           "Selon {who}, {actor} a relevé l'alerte de ses forces nucléaires près de {place}.",
           "{actor} a testé un missile {weapon} capable d'emporter une ogive nucléaire."],
    "ru": ["{actor} пригрозила применить ракеты {weapon} у {place}, сообщил {who}.",
           "{actor} перебросила пусковые установки {weapon} в {place} в ходе ядерных учений.",
           "{actor} провела испытание ракеты {weapon}, способной нести ядерную боеголовку."],
    "uk": ["{actor} погрожувала застосувати ракети {weapon} біля {place}, повідомив {who}.",
           "{actor} розгорнула пускові установки {weapon} у {place} під час ядерних навчань."],
}
WHO = {"en": ["the defence ministry", "a Kremlin spokesman", "US intelligence", "analysts"],
       "fr": ["le ministère de la Défense", "le Kremlin", "des analystes"],
       "ru": ["Минобороны", "Кремль", "источник"],
       "uk": ["Міноборони", "розвідка", "джерело"]}
SEARCH_WORDS = ["Iskander", "Sarmat", "Kaliningrad", "nuclear", "nucléaire", "missile",
                "Kinzhal", "Belarus", "readiness", "ядерных", "Hwasong", "exercise"]


# --------------------------------------------------------------------------------------------
# Filling the store
# --------------------------------------------------------------------------------------------


def synthetic_rows(n: int, run_id: int, postgres: bool, seed: int = 7
                   ) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """Documents, sentences and events: ``n`` events, two per document."""
    rng = random.Random(seed)
    docs: list[dict[str, Any]] = []
    sents: list[dict[str, Any]] = []
    evs: list[dict[str, Any]] = []
    start_day = date(2017, 1, 1)
    span_days = (date(2025, 12, 31) - start_day).days
    now = datetime.now(UTC)
    n_docs = (n + 1) // 2
    for d in range(n_docs):
        lang = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
        published = start_day + timedelta(days=rng.randrange(span_days))
        content_id = hashlib.sha256(f"doc{d}".encode()).hexdigest()
        name = f"synthetic/{published.year}/{d:06d}.txt"
        parts: list[str] = []
        offset = 0
        for k in range(2 if 2 * d + 1 < n else n - 2 * d):
            code, *names = rng.choices(ACTORS, ACTOR_WEIGHTS)[0]
            actor = names[LANGUAGES.index(lang)]
            weapon = rng.choice(WEAPONS)
            place, place_country = rng.choice(PLACES)
            text = rng.choice(TEMPLATES[lang]).format(actor=actor, weapon=weapon, place=place,
                                                      who=rng.choice(WHO[lang]))
            text = text[0].upper() + text[1:]
            s, e = offset, offset + len(text)
            parts.append(text)
            offset = e + 1
            sents.append({"content_id": content_id, "start": s, "end": e, "paragraph": k,
                          "text": text, "folded": fold(text) if postgres else None,
                          "doc": name})
            when = published - timedelta(days=rng.randrange(3))
            precision = rng.random()
            year, month, day = when.year, when.month, when.day
            if precision > 0.97:
                year = month = day = None
            elif precision > 0.92:
                month = day = None
            elif precision > 0.80:
                day = None
            ev_type = rng.choice(EVENT_TYPES)
            target = rng.choices(ACTORS, ACTOR_WEIGHTS)[0]
            evs.append({
                "event_id": hashlib.sha1(f"{content_id}:{s}".encode()).hexdigest()[:16],
                "content_id": content_id, "doc": name, "type": ev_type,
                "span_start": s, "span_end": e, "sentence": text,
                "actor_name": actor, "actor_country": code, "actor_id": f"actor:{code.lower()}",
                "target_name": target[1], "target_country": target[0], "target_id": None,
                "weapon": weapon, "weapon_country": None,
                "weapon_id": "weapon:" + weapon.lower().replace(" ", "-"),
                "location_name": place, "location_country": place_country,
                "location_id": "place:" + place.lower().replace(" ", "-"),
                "date_year": year, "date_month": month, "date_day": day,
                "modality": rng.choice(MODALITIES),
                "attribution_name": None, "attribution_kind": None, "attribution_cue": None,
                "quote": None, "confidence": round(rng.uniform(0.5, 0.99), 3),
                "language": lang, "cameo": None, "plover": None, "trigger": "synthetic",
                "run_id": run_id})
        body = " ".join(parts)
        docs.append({"content_id": content_id, "doc": name, "kind": "text", "url":
                     f"https://news.example/{d}", "title": parts[0][:80], "source":
                     rng.choice(["reuters", "afp", "tass", "ukrinform", "bbc", "lemonde"]),
                     "published": published, "language": lang, "text": body,
                     "n_chars": len(body), "run_id": run_id, "ingested_at": now})
    return docs, sents, evs


def prepare_store(db: str, n: int) -> None:
    """A store at ``db`` holding exactly the ``n`` synthetic events (reused when it does)."""
    postgres = "://" in db and db.startswith("postgresql")
    if not postgres and "://" not in db:
        Path(db).parent.mkdir(parents=True, exist_ok=True)
    store = open_store(db)
    try:
        with store.engine.connect() as conn:
            have = conn.scalar(sa.select(sa.func.count()).select_from(events)) or 0
            marked = conn.scalar(sa.select(sa.func.count()).select_from(runs)
                                 .where(runs.c.inputs == f'["{MARK} {n}"]')) or 0
        if have == n and marked == 1:
            print(f"store: reusing {db} ({n} events)", flush=True)
            return
        if have or marked:
            if postgres:
                print(f"store: emptying {db} (held {have} events)", flush=True)
                with store.transaction() as conn:
                    conn.exec_driver_sql(
                        "TRUNCATE events, sentences, documents, skips, story_mentions, "
                        "stories, duplicates, event_reviews, runs CASCADE")
            else:
                store.close()
                for suffix in ("", "-wal", "-shm"):
                    Path(db + suffix).unlink(missing_ok=True)
                store = open_store(db)
        t0 = time.perf_counter()
        run_id = store.begin_run(Settings(), [f"{MARK} {n}"])
        docs, sents, evs = synthetic_rows(n, run_id, postgres)
        with store.transaction() as conn:
            for table, rows in ((documents, docs), (sentences, sents), (events, evs)):
                for i in range(0, len(rows), 5000):
                    conn.execute(table.insert(), rows[i:i + 5000])
        store.finish_run(run_id, "done", {"documents": len(docs), "events": len(evs)})
        if postgres:   # what autovacuum would do soon after a bulk load
            with store.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("ANALYZE")
        print(f"store: filled {db} with {len(evs)} events, {len(docs)} documents in "
              f"{time.perf_counter() - t0:.1f} s", flush=True)
    finally:
        store.close()


# --------------------------------------------------------------------------------------------
# Server
# --------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(db: str, port: int, log: Path, workers: int = 1,
                 cache_entries: int | None = None,
                 access_log: bool = False) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "TOCSIN_TOKENS"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"),
                                                      env.get("PYTHONPATH")]))
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "tocsin", "serve", "--db", db,
                                 "--host", "127.0.0.1", "--port", str(port), "--open-reads",
                                 "--workers", str(workers),
                                 "--access-log" if access_log else "--no-access-log",
                                 *(["--cache-entries", str(cache_entries)]
                                   if cache_entries is not None else [])],
                                stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"the server exited ({proc.returncode}); see {log}")
        try:
            r = httpx.get(f"http://127.0.0.1:{port}/api/v1/events?limit=1", timeout=5)
            if r.status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise SystemExit(f"the server did not answer within 120 s; see {log}")


# --------------------------------------------------------------------------------------------
# Clients
# --------------------------------------------------------------------------------------------

HITS = "answers from the cache"   # a count kept beside the latencies
KINDS = ["list", "type", "country", "dates", "combined", "cursor", "text", "search"]
WEIGHTS = [20, 15, 15, 15, 10, 10, 8, 7]
COUNTRIES = [a[0] for a in ACTORS]


def _window(rng: random.Random) -> tuple[str, str]:
    since = date(rng.randrange(2017, 2026), rng.randrange(1, 13), 1)
    return since.isoformat(), (since + timedelta(days=rng.choice([31, 92, 365]))).isoformat()


def request_for(kind: str, rng: random.Random, cursor: str | None
                ) -> tuple[str, dict[str, Any]]:
    if kind == "search":
        return "/api/v1/search", {"q": rng.choice(SEARCH_WORDS), "limit": 20}
    params: dict[str, Any] = {"limit": 50, "sort": rng.choice(["date", "-date"])}
    if kind == "type":
        params["type"] = rng.choice(EVENT_TYPES)
    elif kind == "country":
        params["country"] = rng.choice(COUNTRIES)
    elif kind == "dates":
        params["since"], params["until"] = _window(rng)
    elif kind == "combined":
        params["type"] = rng.choice(EVENT_TYPES)
        params["country"] = rng.choice(COUNTRIES[:6])
        params["since"], params["until"] = _window(rng)
    elif kind == "text":
        params["text"] = rng.choice(SEARCH_WORDS)
    elif kind == "cursor" and cursor:
        params["sort"] = "-date"
        params["cursor"] = cursor
    return "/api/v1/events", params


def client(base: str, seed: int, start: float, stop: float,
           out: dict[str, list[float]], errors: list[str], lock: threading.Lock) -> None:
    """One closed-loop client on its own keep-alive connection. It speaks HTTP through the
    standard library's ``http.client``: the clients share the server's cores, and httpx
    spent about 0.9 ms of CPU a request, a fifth of the machine at this load."""
    rng = random.Random(seed)
    mine: dict[str, list[float]] = defaultdict(list)
    bad: list[str] = []
    cursor: str | None = None      # the cursor kind walks pages of the newest-first list
    hits = 0
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        while True:
            now = time.perf_counter()
            if now >= stop:
                break
            kind = rng.choices(KINDS, WEIGHTS)[0]
            path, params = request_for(kind, rng, cursor)
            if kind == "cursor" and cursor is None:
                params["sort"] = "-date"
                kind = "list"
            t0 = time.perf_counter()
            try:
                conn.request("GET", f"{path}?{urlencode(params)}")
                r = conn.getresponse()
                body = r.read()
                elapsed = time.perf_counter() - t0
                ok = r.status == 200
                if ok and t0 >= start and r.getheader("x-tocsin-cache") == "hit":
                    hits += 1
                if ok and path == "/api/v1/events" and params.get("sort") == "-date" and \
                        not any(k in params for k in ("type", "country", "since", "text")):
                    cursor = json.loads(body).get("next_cursor")
                if not ok:
                    bad.append(f"{kind}: HTTP {r.status} {body[:200]!r}")
            except (OSError, http.client.HTTPException) as exc:
                elapsed, ok = time.perf_counter() - t0, False
                bad.append(f"{kind}: {type(exc).__name__}: {exc}")
                conn.close()   # the next request opens a new connection
            if t0 >= start and ok:
                mine[kind].append(elapsed)
    finally:
        conn.close()
    with lock:
        for kind, values in mine.items():
            out[kind].extend(values)
        out[HITS].append(hits)
        errors.extend(bad)


def quantile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    i = min(len(sorted_values) - 1, max(0, round(q * len(sorted_values) + 0.5) - 1))
    return sorted_values[i]


WRITER_MARK = "bench/api_load writer"


def written_document(k: int, rng: random.Random) -> DocumentResult:
    """The ``k``-th article the writer stores: two sentences, an event on each, dated today
    (the newest events, on the first page of every newest-first list)."""
    lang = rng.choices(LANGUAGES, LANGUAGE_WEIGHTS)[0]
    today = date.today()
    content_id = hashlib.sha256(f"writer {k} {time.time_ns()}".encode()).hexdigest()
    doc = f"written/{content_id[:12]}.txt"
    parts: list[str] = []
    evs: list[Event] = []
    for _ in range(2):
        code, *names = rng.choices(ACTORS, ACTOR_WEIGHTS)[0]
        weapon = rng.choice(WEAPONS)
        place, place_country = rng.choice(PLACES)
        text = rng.choice(TEMPLATES[lang]).format(actor=names[LANGUAGES.index(lang)],
                                                  weapon=weapon, place=place,
                                                  who=rng.choice(WHO[lang]))
        text = text[0].upper() + text[1:]
        start = sum(len(x) + 1 for x in parts)
        parts.append(text)
        evs.append(Event(
            event_id=hashlib.sha1(f"{content_id}:{start}".encode()).hexdigest()[:16],
            doc=doc, content_id=content_id, type=rng.choice(EVENT_TYPES),
            span=(start, start + len(text)), sentence=text,
            actor=Entity(names[0], code, f"actor:{code.lower()}"), target=None,
            weapon=Entity(weapon, None, "weapon:" + weapon.lower().replace(" ", "-")),
            location=Entity(place, place_country), date=EventDate(today.year, today.month,
                                                                   today.day),
            modality=rng.choice(MODALITIES), attribution=None, quote=None,
            confidence=round(rng.uniform(0.5, 0.99), 3), language=lang, trigger="synthetic"))
    body = " ".join(parts)
    article = Article(doc=doc, content_id=content_id, text=body, language=lang,
                      paragraphs=(Paragraph(0, len(body), lang),), published=today,
                      source="bench-writer")
    sents = tuple(Sentence(e.span[0], e.span[1], 0) for e in evs)
    return DocumentResult(doc=doc, content_id=content_id, article=article, sentences=sents,
                          events=tuple(evs))


def writer(db: str, every: float, stop: float, done: list[int]) -> None:
    """Every ``every`` seconds, one new article stored through the store as ``tocsin watch``
    stores what it fetches (a run begun, the document with its sentences and events saved,
    the run finished): the save makes every answer the servers keep stale. The articles
    are removed after the run, so the store holds the same events for the next."""
    store = open_store(db)
    rng = random.Random(99)
    written: list[str] = []
    try:
        while time.perf_counter() + every < stop:
            time.sleep(every)
            result = written_document(len(written), rng)
            run_id = store.begin_run(Settings(), [WRITER_MARK])
            store.save(result, run_id)
            store.finish_run(run_id, "done", {"documents": 1, "events": len(result.events)})
            written.append(result.content_id)
            done.append(1)
    finally:
        remove_documents(store, written)
        store.close()


def remove_documents(store: Store, content_ids: list[str]) -> None:
    if not content_ids:
        return
    with store.transaction() as conn:
        for table in (events, sentences, documents):
            conn.execute(table.delete().where(table.c.content_id.in_(content_ids)))


def run_load(base: str, clients: int, seconds: float, db: str | None = None,
             write_every: float = 0) -> tuple[dict[str, list[float]], list[str], int]:
    """Latencies by kind, errors, and how many writes the writer made (0: no writer)."""
    out: dict[str, list[float]] = defaultdict(list)
    errors: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter() + WARMUP_S
    stop = start + seconds
    threads = [threading.Thread(target=client, args=(base, 1000 + i, start, stop, out, errors,
                                                     lock), daemon=True)
               for i in range(clients)]
    writes: list[int] = []
    if db is not None and write_every > 0:
        threads.append(threading.Thread(target=writer, args=(db, write_every, stop, writes),
                                        daemon=True))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out, errors, len(writes)


def report(out: dict[str, list[float]], seconds: float) -> float:
    print(f"{'query':<10} {'requests':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} "
          f"{'p99 ms':>8}")
    everything: list[float] = []
    for kind in [*KINDS, "overall"]:
        values = sorted(everything) if kind == "overall" else sorted(out.get(kind, []))
        if kind != "overall":
            everything.extend(values)
        if not values:
            continue
        print(f"{kind:<10} {len(values):>8} {len(values) / seconds:>7.1f} "
              f"{quantile(values, 0.50) * 1000:>8.1f} {quantile(values, 0.95) * 1000:>8.1f} "
              f"{quantile(values, 0.99) * 1000:>8.1f}")
    if everything:
        hits = int(sum(out.get(HITS, [])))
        print(f"{HITS}: {hits} of {len(everything)} ({hits / len(everything):.0%})")
    return quantile(sorted(everything), 0.99) * 1000


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--clients", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--db", default=None, help="SQLite file or postgresql+psycopg:// URL "
                    "(default: bench/out/api_load_<N>.db)")
    ap.add_argument("--workers", type=int, default=2,
                    help="server processes (tocsin serve --workers; default 2, one per core "
                    "of the 2-core machine the bar is set for)")
    ap.add_argument("--write-every", type=float, default=5.0,
                    help="seconds between write transactions during the run, as a watch "
                    "storing articles makes (default 5; 0: none)")
    ap.add_argument("--cache-entries", type=int, default=None,
                    help="tocsin serve --cache-entries (default: the server's; 0: no cache)")
    ap.add_argument("--access-log", action="store_true",
                    help="run the server with its access log (tocsin serve --access-log); by "
                    "default it runs with --no-access-log, as behind a reverse proxy that "
                    "logs requests")
    args = ap.parse_args(argv)
    if args.events < 1 or args.clients < 1 or args.seconds <= 0 or args.workers < 1 or \
            args.write_every < 0:
        ap.error("--events, --clients, --seconds and --workers must be positive, "
                 "--write-every not negative")
    db = args.db or str(ROOT / "bench" / "out" / f"api_load_{args.events}.db")
    prepare_store(db, args.events)
    backend = "postgresql" if db.startswith("postgresql") else "sqlite"
    log = ROOT / "bench" / "out" / f"api_load_server_{backend}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = start_server(db, port, log, args.workers, args.cache_entries, args.access_log)
    try:
        load = os.getloadavg()
        print(f"load: {args.clients} clients for {args.seconds:g} s (+{WARMUP_S:g} s warm-up) "
              f"on {backend}, {args.events} events, {args.workers} server process"
              f"{'es' if args.workers > 1 else ''} (access log "
              f"{'on' if args.access_log else 'off'}), {os.cpu_count()} cores, load average "
              f"before {load[0]:.2f}", flush=True)
        out, errors, writes = run_load(f"http://127.0.0.1:{port}", args.clients, args.seconds,
                                       db, args.write_every)
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    p99 = report(out, args.seconds)
    print(f"writes during the run: {writes} (one every {args.write_every:g} s)"
          if args.write_every > 0 else "writes during the run: none")
    if errors:
        print(f"{len(errors)} failed requests, e.g. {errors[0]}")
    verdict = "PASS" if p99 < TARGET_P99_MS and not errors else "FAIL"
    print(f"{verdict}: overall p99 {p99:.1f} ms (target < {TARGET_P99_MS:g} ms), "
          f"{backend}, {args.events} events, {args.clients} clients, {args.workers} server "
          f"process{'es' if args.workers > 1 else ''}")
    return 2 if errors else (0 if verdict == "PASS" else 1)


if __name__ == "__main__":
    sys.exit(main())

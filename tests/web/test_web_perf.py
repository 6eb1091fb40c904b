"""What keeps the search and video pages cheap (bench/web.py), held as behaviour:

- full-text snippets come from one FTS5 pass, never one pass per shown row;
- a page's reads are a bounded number of SQL statements, and GET pages write nothing;
- what is cached per process is invalidated by every write that changes what it shows, in this
  process or another (a rename, a title, a comment, a rerun): the next page shows it.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

from sqlalchemy import event

from videobrief.records import Segment, Transcript
from videobrief.store import Store, search

WORDS = [
    "министр",
    "переговоры",
    "железной",
    "дороги",
    "экономики",
    "безопасности",
    "grain",
    "railway",
    "economy",
]


def _archive(store: Store, videos: int = 6, segments: int = 30) -> None:
    rng = random.Random(3)
    for n in range(videos):
        segs = tuple(
            Segment(
                id=i,
                start=i * 4.0,
                end=i * 4.0 + 3.5,
                text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))),
                lang="ru",
            )
            for i in range(segments)
        )
        t = Transcript(id=f"{n:02x}" * 32, source=f"v{n}.mp4", duration=120.0, segments=segs)
        store.save_transcript(t, "import", "test")


def _statements(store: Store) -> list[tuple[str, tuple]]:
    seen: list[tuple[str, tuple]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        seen.append((statement, tuple(parameters)))

    event.listen(store.engine, "before_cursor_execute", record)
    return seen


def test_text_search_snippets_come_from_one_fts_pass(tmp_path: Path) -> None:
    """FTS5 given the shown rowids as a constraint re-runs the whole MATCH (prefix terms
    expanded again) once per rowid: 3-15 ms for 30 hits on the bench archive instead of 0.5."""
    with Store.open(tmp_path) as store:
        _archive(store)
        seen = _statements(store)
        hits = search.search_text(store, "министр дороги", limit=10)
    assert len(hits) == 10
    db = sqlite3.connect(tmp_path / "videobrief.db")
    fts_scans = []
    for statement, params in seen:
        if "MATCH" in statement:
            plan = db.execute("EXPLAIN QUERY PLAN " + statement, params).fetchall()
            fts_scans += [row[3] for row in plan if "segments_fts VIRTUAL TABLE" in row[3]]
    assert len(fts_scans) == 2  # rank every match, then snippets for the shown rows
    for detail in fts_scans:  # idxStr "M…": MATCH only; "=": a rowid handed to FTS5
        assert "=" not in detail.split("INDEX", 1)[1], detail


def test_two_step_text_search_equals_one_query_over_all_matches(tmp_path: Path) -> None:
    """The same hits, order and snippets as snippets built for every match, then sorted."""
    with Store.open(tmp_path) as store:
        _archive(store)
        for q in ("министр дороги", "экономики", "railway grain"):
            hits = search.search_text(store, q, limit=12)
            match = search.fts_query(q)
            db = sqlite3.connect(tmp_path / "videobrief.db")
            expected = db.execute(
                "SELECT s.video_id, s.idx, snippet(segments_fts, 1, ?, ?, '…', 24) "
                "FROM segments_fts JOIN segments s ON s.id = segments_fts.rowid "
                "WHERE segments_fts MATCH ? ORDER BY bm25(segments_fts), segments_fts.rowid "
                "LIMIT 12",
                (search.MARK_OPEN, search.MARK_CLOSE, match),
            ).fetchall()
            assert [(h.video_id, h.segment) for h in hits] == [(v, i) for v, i, _ in expected]
            assert [str(h.snippet) for h in hits] == [
                str(search._marked(snip)) for _, _, snip in expected
            ]


def _count(client, path: str) -> list[str]:
    """The SQL statements one GET of `path` runs (after a first GET warmed the app)."""
    assert client.get(path).status_code == 200
    seen = _statements(client.app.state.vb.store)
    assert client.get(path).status_code == 200
    return [statement for statement, _ in seen]


def test_a_video_page_reads_in_a_bounded_number_of_statements_and_writes_nothing(
    client, en_id: str
) -> None:
    statements = _count(client, f"/v/{en_id}")
    # BEGIN, video, words, segments, entities, speakers, stages, brief, media, check, comments
    assert len(statements) <= 11, statements
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not [s for s in statements if s.lstrip().upper().startswith(writes)]


def test_a_search_page_reads_in_a_bounded_number_of_statements_and_writes_nothing(
    client,
) -> None:
    statements = _count(client, "/search?q=министр")
    # BEGIN, rank, snippets, names menu, speakers menu (languages: cached)
    assert len(statements) <= 6, statements
    writes = ("INSERT", "UPDATE", "DELETE")
    assert not [s for s in statements if s.lstrip().upper().startswith(writes)]

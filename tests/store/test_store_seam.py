"""The store as the one seam, on SQLite and PostgreSQL: stable segment keys across stages,
the text index written with the transcript, paging in SQL, job claims under a lease."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.store.test_store import VID, make_transcript
from videobrief.records import MediaInfo
from videobrief.store import Store, search
from videobrief.store.tables.search import SegmentEmbedding
from videobrief.store.tables.videos import SegmentRow, WordRow


def _ids(store: Store, model, col) -> list:
    with store.engine.connect() as conn:
        return list(conn.execute(select(col).order_by(col)).scalars())


def _fake_embed(store: Store, video_id: str) -> int:
    """Store a distinct dummy vector per segment (the key bookkeeping, not the model)."""
    todo = store.segments_to_embed(video_id)
    return store.save_embeddings(
        "test", [(pk, body, bytes([pk % 256]) * 8) for pk, _, body in todo]
    )


def test_english_update_keeps_segment_keys_words_and_embeddings(store: Store) -> None:
    t = make_transcript(n_segments=4, n_words=3)
    store.save_transcript(t, "speech", "s")
    seg_pks = _ids(store, SegmentRow, SegmentRow.id)
    word_pks = _ids(store, WordRow, WordRow.id)
    assert _fake_embed(store, VID) == 4
    english = tuple(
        s.model_copy(update={"english": f"I give the floor {s.id}", "english_source": "mt"})
        for s in t.segments
    )
    store.save_transcript(t.model_copy(update={"segments": english}), "english", "e")
    assert _ids(store, SegmentRow, SegmentRow.id) == seg_pks
    assert _ids(store, WordRow, WordRow.id) == word_pks
    assert _ids(store, SegmentEmbedding, SegmentEmbedding.segment_id) == seg_pks
    assert store.segments_to_embed(VID) == []
    assert store.load_transcript(VID).segments == english


def test_changed_text_drops_its_embedding_and_changed_words_only_their_rows(store: Store) -> None:
    t = make_transcript(n_segments=4, n_words=3)
    store.save_transcript(t, "speech", "s")
    _fake_embed(store, VID)
    seg_pks = _ids(store, SegmentRow, SegmentRow.id)
    word_pks = _ids(store, WordRow, WordRow.id)
    segs = list(t.segments)
    segs[1] = segs[1].model_copy(update={"text": "Совсем другой текст"})
    segs[2] = segs[2].model_copy(update={"words": segs[2].words[:1]})
    del segs[3]
    t2 = t.model_copy(update={"segments": tuple(segs)})
    store.save_transcript(t2, "speech", "s2")
    assert store.load_transcript(VID) == t2
    assert _ids(store, SegmentRow, SegmentRow.id) == seg_pks[:3]
    embedded = _ids(store, SegmentEmbedding, SegmentEmbedding.segment_id)
    assert embedded == [seg_pks[0], seg_pks[2]]  # re-worded 1 lost it, removed 3 is gone
    assert [pk for pk, _, _ in store.segments_to_embed(VID)] == [seg_pks[1]]
    words = _ids(store, WordRow, WordRow.id)
    assert words[:6] == word_pks[:6]  # segments 0 and 1 kept their word rows
    assert len(words) == 7  # segment 2's three word rows became one


def test_embedding_of_stale_text_is_not_attached(store: Store) -> None:
    store.save_transcript(make_transcript(n_segments=1), "speech", "s")
    ((pk, _, body),) = store.segments_to_embed(VID)
    assert store.save_embeddings("test", [(pk, body + " (old)", b"\0" * 8)]) == 0
    assert store.save_embeddings("test", [(pk, body, b"\0" * 8)]) == 1
    assert store.save_embeddings("test", [(pk, body, b"\0" * 8)]) == 0  # already there


def test_text_is_searchable_the_moment_it_is_stored(store: Store) -> None:
    t = make_transcript(n_segments=2)
    segs = (
        t.segments[0].model_copy(update={"text": "Министр провёл переговоры в Минске"}),
        t.segments[1].model_copy(
            update={"text": "Погода будет солнечной", "english": "The weather will be sunny"}
        ),
    )
    store.save_transcript(t.model_copy(update={"segments": segs}), "import", "i")
    (hit,) = search.search_text(store, "переговорах")
    assert (hit.video_id, hit.segment) == (VID, 0) and "<mark>" in hit.snippet
    (hit,) = search.search_text(store, "sunny weather")
    assert hit.segment == 1 and "<mark>" in (hit.english or "")
    changed = (segs[0].model_copy(update={"text": "Министр уехал домой"}), segs[1])
    store.save_transcript(t.model_copy(update={"segments": changed}), "import", "i2")
    assert search.search_text(store, "переговорах") == []
    assert [h.segment for h in search.search_text(store, "министр")] == [0]
    store.save_transcript(t.model_copy(update={"segments": changed[1:]}), "import", "i3")
    assert search.search_text(store, "министр") == []


def test_list_videos_pages_in_sql(store: Store) -> None:
    ids = [f"{n:02x}" * 32 for n in range(7)]
    for vid in ids:
        store.save_transcript(make_transcript(vid, 2, 0), "speech", "h")
    newest_first = ids[::-1]
    assert store.count_videos() == 7
    assert [v.id for v in store.list_videos(limit=3)] == newest_first[:3]
    assert [v.id for v in store.list_videos(limit=3, offset=3)] == newest_first[3:6]
    assert [v.id for v in store.list_videos(limit=3, offset=6)] == newest_first[6:]
    page = store.list_videos(limit=2, offset=1)
    assert all(v.segment_count == 2 and v.languages == ["ru", "en"] for v in page)
    assert store.video_summary(ids[0]) == store.list_videos()[-1]
    assert store.video_summary("f" * 64) is None


def test_set_title_source_only_replaces_the_default_title(store: Store) -> None:
    info = MediaInfo(
        path="/u/abc", sha256=VID, size_bytes=1, duration=1.0, has_video=False, container="wav"
    )
    store.save_media(info, "abc", None, "/u/abc")
    assert not store.set_title_source(VID, "Talk", "talk.wav", only_if_title="other")
    assert store.set_title_source(VID, "Talk", "talk.wav", only_if_title="abc")
    t = store.load_transcript(VID)
    assert (t.title, t.source) == ("Talk", "talk.wav")


# -- jobs -------------------------------------------------------------------------------------


def test_claim_lease_heartbeat_and_takeover(store: Store) -> None:
    job = store.create_job("a.wav", "/u/a", "0" * 64)
    first = store.claim_job(lease_s=60)
    assert (first.id, first.status, first.attempts) == (job.id, "running", 1)
    assert first.lease_until - first.updated_at == timedelta(seconds=60)
    assert store.claim_job(lease_s=60) is None  # leased: nobody else gets it
    assert store.heartbeat_job(job.id, first.attempts, lease_s=-1)  # lease now in the past
    second = store.claim_job(lease_s=60)  # the "dead" worker's job is claimed again
    assert (second.id, second.attempts) == (job.id, 2)
    # the first worker lost its claim: it can neither renew, report, nor finish
    assert not store.heartbeat_job(job.id, first.attempts)
    assert not store.job_progress(job.id, "speech", 1, 2, "", first.attempts)
    assert not store.finish_job(job.id, None, "late", first.attempts)
    assert store.finish_job(job.id, VID, None, second.attempts)
    done = store.get_job(job.id)
    assert (done.status, done.video_id, done.lease_until) == ("done", VID, None)
    assert store.claim_job() is None


def test_concurrent_workers_never_share_a_job(store: Store) -> None:
    made = {store.create_job(f"{i}.wav", f"/u/{i}", "0" * 64).id for i in range(30)}
    claimed: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            while (job := store.claim_job(lease_s=600)) is not None:
                with lock:
                    claimed.append(job.id)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert sorted(claimed) == sorted(made)  # each job exactly once


@pytest.mark.parametrize("n", [3])
def test_claims_are_oldest_first(store: Store, n: int) -> None:
    made = [store.create_job(f"{i}.wav", f"/u/{i}", "0" * 64).id for i in range(n)]
    assert [store.claim_job().id for _ in range(n)] == made


_HOLDER = """
import sys, time
from pathlib import Path
from videobrief.store import Store
from videobrief.web import jobs
from videobrief.web.worker import _heartbeat
store = Store.from_settings(Path(sys.argv[1]), sys.argv[2] or None)
job = jobs.claim_next(store, lease_s=float(sys.argv[3]))
print(job.id, job.attempts, flush=True)
with _heartbeat(store, job, float(sys.argv[3])):
    time.sleep(600)
"""


def test_a_killed_worker_loses_its_lease_and_the_job_is_claimed_again(
    store: Store, db_url, tmp_path
) -> None:
    """A real process claims a job and heartbeats; SIGKILL it, and the job comes back."""
    import os
    import signal
    import subprocess
    import sys
    import time

    job = store.create_job("a.wav", "/u/a", "0" * 64)
    lease = 1.5
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(tmp_path / "data"), db_url or "", str(lease)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        claimed_id, attempts = proc.stdout.readline().split()
        assert (claimed_id, attempts) == (job.id, "1")
        time.sleep(lease * 2)  # the heartbeat keeps the lease alive past its first expiry
        assert store.claim_job(lease_s=60) is None
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        deadline = time.monotonic() + lease * 3
        again = None
        while again is None and time.monotonic() < deadline:
            again = store.claim_job(lease_s=60)
            time.sleep(0.1)
        assert again is not None and (again.id, again.attempts) == (job.id, 2)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_a_job_that_kills_its_worker_three_times_is_failed_with_the_reason(store: Store) -> None:
    """The supervisor saw each death: the job is queued again at once, twice; the third
    death fails it with how its worker died and where, and the queue moves on."""
    from videobrief.store.queries.web import MAX_CRASHES

    job = store.create_job("bomb.wav", "/u/bomb", "0" * 64)
    behind = store.create_job("next.wav", "/u/next", "1" * 64)
    for n in range(1, MAX_CRASHES + 1):
        claimed = store.claim_job(lease_s=60)
        assert (claimed.id, claimed.attempts, claimed.crashes) == (job.id, n, n - 1)
        store.job_progress(job.id, "english", 1, 4, "", claimed.attempts)
        status = store.release_job(job.id, claimed.attempts, "it was killed by SIGKILL")
        assert status == ("failed" if n == MAX_CRASHES else "queued")
        assert store.release_job(job.id, claimed.attempts, "twice") is None  # claim is gone
    failed = store.get_job(job.id)
    assert (failed.status, failed.crashes, failed.lease_until) == ("failed", 3, None)
    assert "died 3 times" in failed.error and "SIGKILL" in failed.error
    assert "writing the English track" in failed.error
    assert store.claim_job(lease_s=60).id == behind.id  # not the failed one, ever again
    assert store.retry_job(job.id)  # an admin's retry starts the count afresh
    assert store.get_job(job.id).crashes == 0


def test_a_worker_that_died_unseen_counts_a_crash_when_its_lease_is_taken_over(
    store: Store,
) -> None:
    """No supervisor saw it (the whole server went): the takeover after the lease counts the
    crash; a worker the server stopped on purpose counts none."""
    job = store.create_job("a.wav", "/u/a", "0" * 64)
    first = store.claim_job(lease_s=60)
    assert store.release_job(job.id, first.attempts, "the server stopped", crashed=False)
    second = store.claim_job(lease_s=60)
    assert (second.attempts, second.crashes) == (2, 0)
    for crashes in (1, 2):
        store.heartbeat_job(job.id, store.get_job(job.id).attempts, lease_s=-1)  # lease passes
        again = store.claim_job(lease_s=60)
        assert (again.id, again.crashes) == (job.id, crashes)
    store.heartbeat_job(job.id, again.attempts, lease_s=-1)
    assert store.claim_job(lease_s=60) is None  # the third: failed, not claimed
    failed = store.get_job(job.id)
    assert failed.status == "failed" and "lease" in failed.error and "3 times" in failed.error

"""Web load bench: 1,000 synthetic videos, 50 concurrent clients for 30 s, on loopback only.

    .venv/bin/python bench/web.py [--videos 1000] [--users 50] [--seconds 30] [--think 1.0]
                                    [--workers 2] [--data DIR]

Builds a store of generated transcripts (Russian and English sentences from fixed word lists,
with word timings and probabilities, like the speech stage writes), indexes it for full-text
search, starts `videobrief serve --no-worker` on a free 127.0.0.1 port, and drives it with locust
(as a library, FastHttpUser). Each simulated client alternates full-text searches and video
pages with a think time averaging `--think` seconds (0 = closed loop, as fast as answers come).
Prints p50/p95/p99 per kind against the targets: p95 ≤ 50 ms search, ≤ 100 ms page, 0 errors.
The request loop is bounded by `--seconds` and stops by itself. `--data DIR` keeps the store
there and reuses it next time (the data comes from bench/web_data.py, shared with the in-process
bench/web_cpu.py, which is the one to trust for per-request cost on a busy machine).
"""

# ruff: noqa: I001 - locust (gevent) must monkey-patch the standard library before other imports
from __future__ import annotations

from locust import FastHttpUser, between, constant, events, task
from locust.env import Environment

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import gevent
import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench.web_data import QUERIES, kept_store, start_server, free_port  # noqa: E402

TARGET_SEARCH_MS, TARGET_PAGE_MS = 50.0, 100.0


def run_load(base: str, ids: list[str], users: int, seconds: float, think: float):
    class Reader(FastHttpUser):
        host = base
        wait_time = between(think * 0.5, think * 1.5) if think > 0 else constant(0)

        @task
        def search_text(self) -> None:
            q = random.choice(QUERIES)
            self.client.get("/search", params={"q": q}, name="search")

        @task
        def video_page(self) -> None:
            self.client.get(f"/v/{random.choice(ids)}", name="page")

    env = Environment(user_classes=[Reader], events=events)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=users)
    gevent.spawn_later(seconds, runner.quit)
    runner.greenlet.join()
    return env.stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=1000)
    parser.add_argument("--segments", type=int, default=40)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--think", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2, help="server processes (2 cores here)")
    parser.add_argument("--data", type=Path, help="keep (and reuse) the store here")
    args = parser.parse_args()

    data = args.data or Path(tempfile.mkdtemp(prefix="vb-bench-web-"))
    proc = None
    try:
        ids = kept_store(data, args.videos, args.segments)
        os.sync()  # flush the fresh store to disk first: measure serving, not write-back
        port = free_port()
        proc = start_server(data, port, args.workers)
        for q in QUERIES:  # warm up: compiled templates, SQLite page cache
            httpx.get(f"http://127.0.0.1:{port}/search", params={"q": q})
            httpx.get(f"http://127.0.0.1:{port}/v/{random.choice(ids)}")
        model = f"think {args.think:.1f} s avg" if args.think > 0 else "closed loop"
        print(
            f"load: {args.users} clients ({model}) × {args.seconds:.0f} s on 127.0.0.1:{port}, "
            f"{args.workers} server process(es) under pid {proc.pid}",
            flush=True,
        )
        stats = run_load(f"http://127.0.0.1:{port}", ids, args.users, args.seconds, args.think)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if args.data is None:
            shutil.rmtree(data, ignore_errors=True)

    print(
        f"{'kind':<8}{'requests':>10}{'rps':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'target p95':>12}{'errors':>8}"
    )
    ok = True
    for name, target in (("search", TARGET_SEARCH_MS), ("page", TARGET_PAGE_MS)):
        s = stats.get(name, "GET")
        p95 = s.get_response_time_percentile(0.95)
        ok &= p95 <= target and s.num_failures == 0
        print(
            f"{name:<8}{s.num_requests:>10}{s.total_rps:>8.1f}"
            f"{s.get_response_time_percentile(0.5):>9.0f}{p95:>9.0f}"
            f"{s.get_response_time_percentile(0.99):>9.0f}{'≤ ' + str(int(target)):>12}"
            f"{s.num_failures:>8}"
        )
    print(f"cpu: {os.cpu_count()} cores shared by server, load generator and anything else running")
    print("result:", "targets met" if ok else "targets NOT met")


if __name__ == "__main__":
    main()

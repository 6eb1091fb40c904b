"""In-process web bench: process CPU and SQL statements per request for the search and video pages.

    .venv/bin/python bench/web_cpu.py [--videos 1000] [--requests 300] [--data DIR]
                                        [--kind page|search] [--server N]

The same store as bench/web.py (generated transcripts, full-text indexed), served by the app
itself through Starlette's TestClient in one process: no sockets, no other processes, so the
figures move far less with the machine's load than bench/web.py's latencies. CPU is
`time.process_time()` around each request, client included (the same for every code version
measured). `--server N` measures the real server instead: `videobrief serve --no-worker
--workers N` on loopback, one client sending the requests one after another, and the CPU the
server's processes used (from /proc, Linux only) divided by the requests. `--data DIR` keeps the
store there and reuses it on the next run (building 1,000 videos takes a minute). The server
side runs in worker threads, which cProfile does not see; profile with py-spy instead, e.g.
`py-spy record -r 500 -f raw -o page.txt -- .venv/bin/python bench/web_cpu.py --data /tmp/vb
--kind page --requests 2000`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from bench.web_data import QUERIES, free_port, kept_store, start_server  # noqa: E402
from videobrief.web import WebSettings, create_app  # noqa: E402


def measure(client: TestClient, paths: list[str]) -> tuple[list[float], list[float]]:
    """(CPU ms, wall ms) of each GET, in order; every answer must be a 200."""
    cpu, wall = [], []
    for path in paths:
        c0, w0 = time.process_time(), time.perf_counter()
        response = client.get(path)
        cpu.append((time.process_time() - c0) * 1000)
        wall.append((time.perf_counter() - w0) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{path}: HTTP {response.status_code}")
    return cpu, wall


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _tree_cpu(pid: int) -> float:
    """CPU seconds (user + system) used so far by `pid` and its descendants."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    total = (int(fields[11]) + int(fields[12])) / tick
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        total += _tree_cpu(int(child))
    return total


def measure_server(data: Path, workers: int, kinds: dict[str, list[str]], only: str | None):
    """Server CPU per request of `videobrief serve`, requests sent one at a time."""
    port = free_port()
    proc = start_server(data, port, workers)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as client:
            for paths in kinds.values():  # warm up
                for path in paths[:30]:
                    client.get(path)
            print(f"{'kind':<8}{'requests':>9}{'server cpu/req':>16}{'wall/req':>10}")
            for name, paths in kinds.items():
                if only and name != only:
                    continue
                time.sleep(0.5)
                cpu0, wall0 = _tree_cpu(proc.pid), time.perf_counter()
                for path in paths:
                    if client.get(path).status_code != 200:
                        raise SystemExit(f"{path}: HTTP error")
                wall = (time.perf_counter() - wall0) / len(paths) * 1000
                time.sleep(0.3)  # let the last response's bookkeeping land
                cpu = (_tree_cpu(proc.pid) - cpu0) / len(paths) * 1000
                print(f"{name:<8}{len(paths):>9}{cpu:>13.2f} ms{wall:>8.2f} ms")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    print(f"ms of server CPU per request ({workers} process(es)); load: see `uptime`")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--videos", type=int, default=1000)
    parser.add_argument("--segments", type=int, default=40)
    parser.add_argument("--requests", type=int, default=300, help="per kind")
    parser.add_argument("--data", type=Path, help="keep (and reuse) the store here")
    parser.add_argument("--kind", choices=("page", "search"), help="only this kind")
    parser.add_argument("--server", type=int, metavar="N", help="measure `serve --workers N`")
    args = parser.parse_args()

    data = args.data or Path(tempfile.mkdtemp(prefix="vb-bench-webcpu-"))
    ids = kept_store(data, args.videos, args.segments)

    rng = random.Random(7)
    kinds = {
        "page": [f"/v/{rng.choice(ids)}" for _ in range(args.requests)],
        "search": [f"/search?q={rng.choice(QUERIES)}" for _ in range(args.requests)],
    }
    if args.server:
        measure_server(data, args.server, kinds, args.kind)
        return
    app = create_app(WebSettings(data_dir=data, worker=False))
    statements = [0]
    event.listen(
        app.state.vb.store.engine,
        "before_cursor_execute",
        lambda *_: statements.__setitem__(0, statements[0] + 1),
    )
    with TestClient(app) as client:
        for q in QUERIES:  # warm up: compiled templates, statement caches, SQLite page cache
            measure(client, [f"/search?q={q}", f"/v/{rng.choice(ids)}"])
        print(
            f"{'kind':<8}{'requests':>9}{'cpu mean':>10}{'cpu p50':>9}{'cpu p95':>9}"
            f"{'wall p50':>10}{'SQL/req':>9}"
        )
        for name, paths in kinds.items():
            if args.kind and name != args.kind:
                continue
            before = statements[0]
            cpu, wall = measure(client, paths)
            per = (statements[0] - before) / len(paths)
            print(
                f"{name:<8}{len(paths):>9}{statistics.mean(cpu):>10.2f}{pct(cpu, 0.5):>9.2f}"
                f"{pct(cpu, 0.95):>9.2f}{pct(wall, 0.5):>10.2f}{per:>9.1f}"
            )
    print("ms of process CPU per request (client included); load: see `uptime`")


if __name__ == "__main__":
    main()

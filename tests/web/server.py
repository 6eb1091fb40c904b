"""A real `videobrief serve` on a free loopback port, for the browser tests."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.ports import free_port


@contextmanager
def serving(data: Path, env: dict[str, str], *extra: str) -> Iterator[str]:
    """Start `videobrief serve` on `data`, wait until the API answers, yield its base URL;
    stop it after (killed if it does not stop within 15 s). A server that dies while starting
    raises with its stderr."""
    with server_process(data, env, *extra) as (base, _proc):
        yield base


@contextmanager
def server_process(
    data: Path, env: dict[str, str], *extra: str
) -> Iterator[tuple[str, subprocess.Popen]]:
    """`serving`, also yielding the server's process (for tests that signal its children)."""
    port = free_port()
    cmd = [sys.executable, "-m", "videobrief", "serve", "--host", "127.0.0.1"]
    proc = subprocess.Popen(
        [*cmd, "--port", str(port), "--data-dir", str(data), *extra],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            if httpx.get(base + "/api/v1/videos", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(proc.stderr.read().decode())
        time.sleep(0.1)
    try:
        yield base, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

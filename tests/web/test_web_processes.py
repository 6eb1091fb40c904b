"""`serve --workers 2` spreads connections over both server processes (a real server).

With one shared listening socket the first process to wake accepted almost every connection
of a burst (48 of 50 in one run), and keep-alive kept them there; each process now listens
on its own SO_REUSEPORT socket. The check reads who holds each connection from /proc (Linux).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from tests.ports import free_port

CONNECTIONS = 40

pytestmark = pytest.mark.skipif(not Path("/proc/net/tcp").exists(), reason="reads /proc (Linux)")


def _server_processes(pid: int) -> list[int]:
    """Child processes of `pid` that uvicorn spawned (not multiprocessing's resource tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            cmdline = (entry / "cmdline").read_bytes()
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid and b"spawn_main" in cmdline:
                found.append(int(entry.name))
    return found


def _established_inodes(port: int) -> set[str]:
    """Socket inodes of ESTABLISHED TCP connections whose local port is `port`."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            local, state, inode = fields[1], fields[3], fields[9]
            if state == "01" and int(local.rsplit(":", 1)[1], 16) == port:
                inodes.add(inode)
    return inodes


def _sockets_of(pid: int) -> set[str]:
    held = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            held.add(target[8:-1])
    return held


def test_two_server_processes_share_a_burst_of_connections(tmp_path):
    port = free_port()
    cmd = [sys.executable, "-m", "videobrief", "serve", "--no-worker", "--workers", "2"]
    cmd += ["--port", str(port), "--data-dir", str(tmp_path)]
    server = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    opened: list[socket.socket] = []
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/videos").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        time.sleep(1.0)  # both processes up (the first answer may come before the second)

        def connect(_: int) -> socket.socket:
            conn = socket.create_connection(("127.0.0.1", port))
            conn.sendall(b"GET /api/v1/videos HTTP/1.1\r\nHost: t\r\n\r\n")
            assert conn.recv(65536).startswith(b"HTTP/1.1 200")
            return conn

        with ThreadPoolExecutor(CONNECTIONS) as pool:  # all at once, as a burst of readers
            opened = list(pool.map(connect, range(CONNECTIONS)))
        live = _established_inodes(port)
        per_process = sorted(len(_sockets_of(pid) & live) for pid in _server_processes(server.pid))
    finally:
        for conn in opened:
            conn.close()
        server.terminate()
        server.wait(timeout=20)
    assert len(per_process) == 2 and sum(per_process) == CONNECTIONS, per_process
    # An even hash gives 20/20 ± a few; under 8 (p < 1e-4 by chance) is the old pile-up.
    assert per_process[0] >= 8, per_process

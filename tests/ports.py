"""A free loopback port for the real servers the tests start (PostgreSQL, llama.cpp, serve)."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on right now (bound to 127.0.0.1 and released)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

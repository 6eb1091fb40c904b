"""`serve --workers N`: N uvicorn server processes, each with a listening socket of its own.

uvicorn's multi-process mode shares one listening socket. Whichever process wakes first then
accepts every connection that is waiting (asyncio accepts up to the backlog in one go), and a
keep-alive connection stays with the process that accepted it. Under load (bench/web.py) one of
two processes then serves most requests (80-93 %) while the other sits idle, so half the CPU
goes unused and the busy process queues. With SO_REUSEPORT each process listens on a socket of
its own on the same port, and the kernel spreads new connections across them by a hash of the
address.
Where SO_REUSEPORT is missing, the processes share one socket, as uvicorn does.
"""

from __future__ import annotations

import socket

from uvicorn import Config
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process, logger


def listening_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """`count` sockets bound to one address with SO_REUSEPORT (port 0: one free port for all).

    TCP_NODELAY is set on each: accepted connections inherit it on Linux (uvicorn binds
    without naming the protocol, so asyncio leaves Nagle on and responses wait ~40 ms for a
    delayed ACK).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    shared = not hasattr(socket, "SO_REUSEPORT")
    sockets: list[socket.socket] = []
    for _ in range(1 if shared else count):
        sock = socket.socket(family=family)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if not shared:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
        port = sock.getsockname()[1]
        sock.set_inheritable(True)
        sockets.append(sock)
    return sockets


class SpreadProcesses(Multiprocess):
    """uvicorn's supervisor, with process `i` serving `sockets[i]` (all of them if shared).

    Only where processes are made differs from `Multiprocess`: start, replace a dead one,
    and the SIGHUP restart.
    """

    def _process(self, slot: int) -> Process:
        mine = [self.sockets[slot]] if len(self.sockets) == self.processes_num else self.sockets
        return Process(self.config, mine)

    def init_processes(self) -> None:
        for slot in range(self.processes_num):
            process = self._process(slot)
            process.start()
            self.processes.append(process)

    def restart_all(self) -> None:
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._process(slot)
            new.start()
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for slot, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:  # the app itself is broken: stop
                logger.error(f"Child process [{process.pid}] failed to start, stopping.")
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            logger.info(f"Child process [{process.pid}] died")
            process = self._process(slot)
            process.start()
            self.processes[slot] = process


def serve_processes(workers: int, options: dict) -> None:
    """Run the app factory in `workers` server processes on options' host and port."""
    config = Config(
        "videobrief.web.app:create_app_from_env", factory=True, workers=workers, **options
    )
    sockets = listening_sockets(config.host, config.port, workers)
    SpreadProcesses(config, sockets=sockets).run()

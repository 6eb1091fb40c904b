"""A loopback HTTP server (http.server in a thread) serving a media file with Range support.

The URL tests run against it; nothing leaves 127.0.0.1. It counts the body bytes it sends so a
test can prove a resumed download asked only for the rest, and it can be throttled so a test can
kill a download mid-way.
"""

from __future__ import annotations

import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


class MediaServer:
    def __init__(self, media: Path, delay_per_chunk: float = 0.0, chunk: int = 16384) -> None:
        self.media = media
        self.data = media.read_bytes()
        self.delay = delay_per_chunk
        self.chunk = chunk
        self.sent = 0
        self.ranges: list[str] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> MediaServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_HEAD(self) -> None:
                self._serve(body=False)

            def do_GET(self) -> None:
                self._serve(body=True)

            def _serve(self, body: bool) -> None:
                name = outer.media.name
                if self.path in ("/page.html", "/page"):
                    html = (
                        f"<html><head><title>Evening news</title></head><body>"
                        f'<video controls src="/media/{name}"></video></body></html>'
                    ).encode()
                    self._send(200, "text/html; charset=utf-8", html, body)
                    return
                if self.path == "/stall/clip.mp4":  # headers, then silence: a hung host
                    self.send_response(200)
                    self.send_header("Content-Type", "video/mp4")
                    self.send_header("Content-Length", str(len(outer.data)))
                    self.end_headers()
                    self.wfile.flush()
                    time.sleep(120)
                    return
                if self.path != f"/media/{name}":
                    self._send(404, "text/plain", b"not found", body)
                    return
                self._media(body)

            def _media(self, body: bool) -> None:
                data = outer.data
                start, end = 0, len(data) - 1
                header = self.headers.get("Range")
                match = re.match(r"bytes=(\d+)-(\d*)", header or "")
                if match:
                    outer.ranges.append(header)
                    start = int(match.group(1))
                    end = int(match.group(2)) if match.group(2) else end
                    self.send_response(206)
                    self.send_header("Content-Range", f"bytes {start}-{end}/{len(data)}")
                else:
                    self.send_response(200)
                self.send_header("Content-Type", "video/mp4")
                self.send_header("Accept-Ranges", "bytes")
                self.send_header("Content-Length", str(end - start + 1))
                self.end_headers()
                if not body:
                    return
                pos = start
                try:
                    while pos <= end:
                        piece = data[pos : min(pos + outer.chunk, end + 1)]
                        self.wfile.write(piece)
                        outer.sent += len(piece)
                        pos += len(piece)
                        if outer.delay:
                            time.sleep(outer.delay)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            def _send(self, code: int, ctype: str, payload: bytes, body: bool) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if body:
                    self.wfile.write(payload)

        return Handler

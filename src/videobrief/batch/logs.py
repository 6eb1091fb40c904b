"""Logging set-up: human lines by default, JSON lines under `--log-json`.

Every record a batch writes carries `job` (one id per batch or watch run) and, once known,
`video_id` and `source`, passed as `extra=`; the JSON formatter lifts them to top-level keys
so a log shipper can filter one video's history without parsing messages.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from typing import TextIO

LOGGER = "videobrief"
FIELDS = ("job", "video_id", "source", "stage", "status", "error", "seconds", "audio_seconds")


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, msg, and the known context fields."""

    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                out[name] = value
        if record.exc_info:
            out["exc"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False)


def setup(log_json: bool, level: int = logging.INFO, stream: TextIO | None = None) -> None:
    """Configure the `videobrief` logger once per process (a second call replaces the handler)."""
    logger = logging.getLogger(LOGGER)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
    handler = logging.StreamHandler(stream or sys.stderr)
    if log_json:
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(level if log_json else logging.WARNING)
    logger.propagate = False


def get(name: str) -> logging.Logger:
    return logging.getLogger(f"{LOGGER}.{name}")

"""Schemathesis against the app's own OpenAPI spec: generated requests never get a 5xx.

Bounded: a fixed number of examples per operation, in-process (ASGI), no network. The store is
built at import (schemathesis parametrizes at collection time) in a temporary folder.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.web.conftest import english_video, russian_video
from videobrief.store import Store
from videobrief.web import WebSettings, create_app
from videobrief.web.tokens import create_token


def _build() -> tuple[object, str]:
    data = Path(tempfile.mkdtemp(prefix="vb-schema-"))
    atexit.register(shutil.rmtree, data, True)
    with Store.open(data) as store:
        en, info = english_video(data)
        store.save_media(info, title=en.title, description=None, source="talk.wav")
        store.save_transcript(en, "import", "test")
        store.save_transcript(russian_video(), "import", "test")
        token = create_token(store, "schemathesis")
    settings_ = WebSettings(
        data_dir=data,
        worker=False,
        secret=b"k" * 32,
        comment_rate=(100_000, 60.0),
        max_upload_bytes=200_000,
    )
    return create_app(settings_), token


APP, TOKEN = _build()
schema = schemathesis.openapi.from_asgi("/openapi.json", APP)


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors(case):
    # authenticated, so admin-only paths (uploads, jobs, moderation) run their real code too
    case.call_and_validate(
        headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error]
    )

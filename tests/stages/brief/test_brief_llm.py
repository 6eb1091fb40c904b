"""The LLM backend: real local endpoints (a scripted HTTP server on 127.0.0.1, and the real
llama.cpp server with SmolLM2). Whatever the model says goes through the grounding check."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests import shared_data
from videobrief.models.chat_client import ChatClient
from videobrief.records import Transcript
from videobrief.stages.brief import extractive, grounding, llm_brief
from videobrief.stages.brief.compose import make_brief
from videobrief.stages.brief.grounding import check_claim
from videobrief.stages.brief.index import build_index
from videobrief.stages.brief.options import BriefOptions
from videobrief.stages.imports.formats import import_transcript

VID = "c" * 64


@pytest.fixture(scope="module")
def seed() -> Transcript:
    return import_transcript(shared_data.seed_page(), VID)


@contextmanager
def scripted_endpoint(replies: list[str]) -> Iterator[tuple[str, list[dict]]]:
    """An OpenAI-compatible chat endpoint on a loopback port answering `replies` in turn
    (the last one repeats); yields its API base and the list of requests it received."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append(body)
            content = replies[min(len(received), len(replies)) - 1]
            payload = json.dumps(
                {"choices": [{"message": {"role": "assistant", "content": content}}]}
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1", received
    finally:
        server.shutdown()
        server.server_close()


def test_bad_json_twice_falls_back_to_extractive(seed):
    with scripted_endpoint(['{"headline": "unterminated', "Sure! Here is the brief:"]) as (
        url,
        received,
    ):
        brief = make_brief(seed, BriefOptions(llm_url=url, llm_model="scripted"))
    assert len(received) == 2  # one retry, then give up
    assert received[0]["response_format"]["schema"]["required"] == [
        "headline",
        "lede",
        "points",
        "quotes",
    ]
    assert "unusable" in received[1]["messages"][-1]["content"]
    assert brief.backend == "extractive"
    assert brief.headline is not None and brief.points
    assert any("LLM brief unavailable" in n for n in brief.notes)


def test_unreachable_endpoint_falls_back(seed):
    with scripted_endpoint(["{}"]) as (url, _):
        dead = url  # the port is closed once the server shuts down
    brief = make_brief(seed, BriefOptions(llm_url=dead))
    assert brief.backend == "extractive" and brief.headline is not None
    assert any("LLM brief unavailable" in n for n in brief.notes)


def _seg(seed: Transcript, needle: str) -> int:
    return next(s.id for s in seed.segments if needle in s.text)


def test_retry_after_bad_json_then_hallucinations_are_rejected(seed):
    day = _seg(seed, "4 декабря")
    presidents = _seg(seed, "Президентами Белоруссии")
    answer = {
        "headline": {"text": "Этот день будет отмечаться 4 декабря каждый год", "ids": [day]},
        "lede": [
            {"text": "Президенты Белоруссии и России создали каркас сотрудничества.",
             "ids": [presidents]},
            {"text": "Лавров и Путин обсудили ситуацию на Украине.", "ids": [presidents]},
        ],
        "points": [
            {"text": "Этот день будет отмечаться 5 декабря каждый год.", "ids": [day]},
            {"text": "Белоруссия поддерживает подход России к полному искоренению первопричин "
                     "кризиса.", "ids": [presidents]},
            {"text": "Этот день будет отмечаться каждый год.", "ids": [9999]},
        ],
        "quotes": [
            {"text": seed.segments[day].text, "ids": [day], "speaker": None},
            {"text": "Мы поддерживаем Россию во всём.", "ids": [presidents], "speaker": "Лавров"},
        ],
    }  # fmt: skip
    with scripted_endpoint(["not json at all", json.dumps(answer, ensure_ascii=False)]) as (
        url,
        received,
    ):
        brief = make_brief(seed, BriefOptions(llm_url=url))
    assert len(received) == 2
    assert brief.backend == "llm"
    assert brief.headline is not None and brief.headline.citations == (day,)
    assert [c.text for c in brief.lede] == [answer["lede"][0]["text"]]
    assert brief.points == ()
    assert [q.text for q in brief.quotes] == [seed.segments[day].text]
    reasons = {r.text: r.reason for r in brief.rejected}
    assert len(reasons) == 5
    assert "name not in original" in reasons["Лавров и Путин обсудили ситуацию на Украине."]
    assert (
        "number not in original: 5" in reasons["Этот день будет отмечаться 5 декабря каждый год."]
    )
    assert "9999" in reasons["Этот день будет отмечаться каждый год."]
    assert "verbatim" in reasons["Мы поддерживаем Россию во всём."]


def test_real_smollm2_brief_is_grounded(seed, llm_url, record_property, capsys):
    """SmolLM2-135M through llama.cpp's server: whatever it invents must not reach the brief."""
    index = build_index(seed)
    ranked, _, _ = extractive.rank(index)
    client = ChatClient(llm_url, "smollm2")
    raw = llm_brief.draft(index, client, ranked)
    assert raw.draft is not None, raw.error  # the server's JSON mode gives parseable output
    said = [*raw.draft.headline, *raw.draft.lede, *raw.draft.points]
    verdict = grounding.ground(said, raw.draft.quotes, index)
    for claim in verdict.claims:
        assert check_claim(claim, index) is None

    brief = make_brief(seed, BriefOptions(llm_url=llm_url, llm_model="smollm2"))
    for claim in brief.claims:
        assert claim.citations and set(claim.citations) <= set(index.segments)
        assert check_claim(claim, index) is None
    text = " ".join(c.text for c in brief.claims).lower()
    assert "root cause" not in text and "ukrain" not in text and "украин" not in text
    rejected_claims = len(said) - len(verdict.claims)
    rejected_quotes = len(raw.draft.quotes) - len(verdict.quotes)
    record_property("smollm2_claims", len(said))
    record_property("smollm2_rejected_claims", rejected_claims)
    with capsys.disabled():
        print(
            f"\nSmolLM2 answered in {raw.attempts} attempt(s): {len(said)} claims, "
            f"{rejected_claims} rejected; {len(raw.draft.quotes)} quotes, {rejected_quotes} "
            f"rejected. Brief shown: backend={brief.backend}, notes={list(brief.notes)}"
        )
        for r in verdict.rejected:
            print(f"  rejected: {r.text[:90]!r} — {r.reason}")


def test_when_nothing_the_model_says_survives_the_extractive_brief_is_shown(seed):
    presidents = _seg(seed, "Президентами Белоруссии")
    junk = {"text": "Лавров и Путин обсудили ситуацию на Украине.", "ids": [presidents]}
    answer = {"headline": junk, "lede": [junk], "points": [junk, junk], "quotes": []}
    with scripted_endpoint([json.dumps(answer, ensure_ascii=False)]) as (url, received):
        brief = make_brief(seed, BriefOptions(llm_url=url))
    assert len(received) == 1
    assert brief.backend == "extractive"
    assert brief.headline is not None and brief.points
    assert [r.text for r in brief.rejected] == [junk["text"]]  # listed once, not four times
    assert any("Every LLM statement failed" in n for n in brief.notes)

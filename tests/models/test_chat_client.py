"""The OpenAI-compatible client against a real local llama.cpp server (SmolLM2)."""

from __future__ import annotations

import socket

import pytest

from videobrief.models.chat_client import ChatClient, LLMError


def test_real_server_answers_a_chat_request(llm_url):
    client = ChatClient(url=llm_url, model="smollm2", timeout=60)
    answer = client.complete(
        [{"role": "user", "content": "Reply with the single word: hello"}], max_tokens=8
    )
    assert isinstance(answer, str) and answer.strip()


def test_unreachable_endpoint_is_one_clear_error():
    with socket.socket() as sock:  # a port that nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = ChatClient(url=f"http://127.0.0.1:{port}/v1", model="x", timeout=2)
    with pytest.raises(LLMError, match="failed"):
        client.complete([{"role": "user", "content": "hi"}])

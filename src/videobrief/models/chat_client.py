"""A small client for any OpenAI-compatible chat endpoint (Ollama, vLLM, llama.cpp server).

Optional everywhere: videobrief works offline without it. Stages that use it (translation,
brief) must treat its output as untrusted text: validate the shape, map answers back by id,
and check claims against the transcript.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from videobrief.errors import VideobriefError


class LLMError(VideobriefError):
    """The endpoint could not be reached or answered in a shape we cannot use."""


@dataclass(frozen=True)
class ChatClient:
    """POSTs to `{url}/chat/completions`; `url` is the API base, e.g. http://127.0.0.1:8080/v1."""

    url: str
    model: str
    timeout: float = 120.0
    api_key: str | None = None

    def complete(
        self,
        messages: list[dict[str, str]],
        *,
        temperature: float = 0.0,
        max_tokens: int = 1024,
        json_schema: dict | None = None,
    ) -> str:
        """Return the assistant's text for one chat request.

        With `json_schema`, asks for structured output (`response_format`); servers that
        ignore it still answer, so callers validate the JSON themselves.
        """
        body: dict = {
            "model": self.model,
            "messages": messages,
            "temperature": temperature,
            "max_tokens": max_tokens,
        }
        if json_schema is not None:
            body["response_format"] = {"type": "json_object", "schema": json_schema}
        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        endpoint = self.url.rstrip("/") + "/chat/completions"
        try:
            response = httpx.post(endpoint, json=body, headers=headers, timeout=self.timeout)
            response.raise_for_status()
            return response.json()["choices"][0]["message"]["content"] or ""
        except httpx.HTTPError as exc:
            raise LLMError(f"LLM endpoint {endpoint} failed: {exc}") from exc
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            raise LLMError(f"LLM endpoint {endpoint} answered in an unexpected shape") from exc

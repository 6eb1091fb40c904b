"""Check a text against a video, claim by claim.

    text → claims (sentences; clauses where a sentence joins several)
         → evidence (candidates by meaning across languages, words, names, numbers)
         → verdict (deterministic; an LLM judge only as an extra vote)
         → CheckResult → check.json and a Markdown report (`report`)

`check_text` is pure: transcript and text in, result out; no store, no web.
"""

from __future__ import annotations

from videobrief.errors import BadInput
from videobrief.models.chat_client import ChatClient
from videobrief.records import CheckResult, ClaimCheck, Transcript
from videobrief.stages.check.claims import split_claims
from videobrief.stages.check.evidence import build_corpus
from videobrief.stages.check.options import CheckOptions
from videobrief.stages.check.verdict import Judge, combine, judge_clause
from videobrief.text.detect import text_language
from videobrief.text.languages import script_of

CHECK_VERSION = "check-v1"
# A text longer than this is refused: a news summary is a few kB, and every claim is embedded.
MAX_TEXT_BYTES = 100_000
MAX_CLAIMS = 400
_LANGS = ("en", "ru", "uk", "be", "bg", "de", "fr", "es", "it", "pl", "pt", "tr", "sr", "kk")


def validate_text(text: str) -> str:
    """The text, or BadInput saying why it cannot be checked (empty, too large)."""
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise BadInput(
            f"text is {size:,} bytes; the limit is {MAX_TEXT_BYTES:,} bytes "
            "(check a summary or an article, not a book)"
        )
    if not text.strip():
        raise BadInput("the text is empty: there is nothing to check")
    return text


def _language(text: str, transcript: Transcript) -> str | None:
    """The text's language; BadInput when the video has nothing in it to compare with."""
    have = set(transcript.languages)
    if any(s.english for s in transcript.segments):
        have.add("en")
    found = text_language(text, _LANGS)
    if script_of(text) is None or found is None or not have:
        return found
    if found not in have:
        shown = ", ".join(sorted(have))
        raise BadInput(
            f"the text is in {found!r}, which this video has neither in speech nor in its "
            f"English track ({shown}): write the text in one of those"
        )
    return found


def check_text(
    transcript: Transcript, text: str, options: CheckOptions = CheckOptions()
) -> CheckResult:
    """Every claim of `text`, with its verdict against `transcript`."""
    validate_text(text)
    sentences = split_claims(text)
    if not sentences:
        raise BadInput("the text has no words: there is nothing to check")
    if sum(len(s.clauses) for s in sentences) > MAX_CLAIMS:
        raise BadInput(f"the text makes more than {MAX_CLAIMS} claims; check it in parts")
    lang = _language(text, transcript)
    notes: list[str] = []
    if not transcript.segments:
        notes.append("The transcript has no speech: nothing can be supported.")
    judge = Judge(ChatClient(options.llm_url, options.llm_model)) if options.llm_url else None
    corpus = build_corpus(transcript)
    claims: list[ClaimCheck] = []
    for sentence in sentences:
        parts = [judge_clause(c, corpus, judge) for c in sentence.clauses]
        if len(parts) == 1:
            claims.append(parts[0].model_copy(update={"text": sentence.text}))
            continue
        verdict = combine([p.verdict for p in parts])
        cited = tuple({c.segment_id: c for p in parts for c in p.citations if c.support}.values())
        claims.append(
            ClaimCheck(
                text=sentence.text, verdict=verdict, citations=cited, parts=tuple(parts),
                reasons=tuple(f"{p.verdict}: {p.text}" for p in parts),
            )
        )  # fmt: skip
    return CheckResult(
        video_id=transcript.id, text_language=lang, claims=tuple(claims), notes=tuple(notes),
        version=CHECK_VERSION,
    )  # fmt: skip

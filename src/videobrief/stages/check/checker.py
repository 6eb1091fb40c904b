"""Check a text against a video, claim by claim.

    text → claims (sentences; clauses where a sentence joins several)
         → evidence (candidates by meaning across languages, words, names, numbers)
         → the judge (`videobrief.judge`: slot rules, and a model's vote when given)
         → CheckResult → check.json and a Markdown report (`report`)

`check_text` is pure: transcript, text and the vote in, result out; no store, no web. The
vote (the bundled model, or an endpoint's) is the caller's to load: `make_vote`.
"""

from __future__ import annotations

from collections.abc import Callable

from videobrief.errors import BadInput
from videobrief.judge import Judge, Vote, bundled_vote, endpoint_vote
from videobrief.judge.slots import positive
from videobrief.models.chat_client import ChatClient
from videobrief.models.llama import LlamaChat
from videobrief.records import CheckResult, ClaimCheck, Transcript
from videobrief.stages.check.claims import split_claims
from videobrief.stages.check.evidence import Corpus, Match, build_corpus, facts, retrieve
from videobrief.stages.check.options import JUDGES, CheckOptions
from videobrief.stages.check.verdict import claim_check, combine, passages
from videobrief.text.detect import text_language
from videobrief.text.languages import script_of

CHECK_VERSION = "check-v2"
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


def make_vote(options: CheckOptions, chat: Callable[[], LlamaChat]) -> Vote | None:
    """The vote `options` ask for: None for `judge="rules"`, an endpoint's model when
    `llm_url` is set, else the bundled model (`chat()` loads or shares it)."""
    if options.judge not in JUDGES:
        raise BadInput(f"unknown judge {options.judge!r}: one of {', '.join(JUDGES)}")
    if options.judge == "rules":
        return None
    if options.llm_url:
        return endpoint_vote(ChatClient(options.llm_url, options.llm_model))
    return bundled_vote(chat())


def entity_names(transcript: Transcript) -> list[tuple[str, str]]:
    """(as said, English) pairs of the video's entities, for the judge's name matching."""
    return [
        (form, e.name_en)
        for e in transcript.entities
        for form in (e.name, *e.aliases)
        if e.name_en and e.type != "DATE"
    ]


def check_text(
    transcript: Transcript,
    text: str,
    options: CheckOptions = CheckOptions(),
    vote: Vote | None = None,
) -> CheckResult:
    """Every claim of `text`, with its verdict against `transcript`; `vote` is the model's
    (`make_vote`), None for the slot rules alone."""
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
    corpus = build_corpus(transcript)
    judge = Judge(vote, entity_names(transcript))
    clauses = [c for s in sentences for c in s.clauses]
    checked = iter(judge_clauses(corpus, judge, clauses))
    claims: list[ClaimCheck] = []
    for sentence in sentences:
        parts = [next(checked) for _ in sentence.clauses]
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


def _retrieve(corpus: Corpus, clause: str) -> list[Match]:
    """Candidates for a clause; a negated clause also by what it denies ("has not entered into
    force" finds «вступил в силу», which the negation pushes away in meaning)."""
    fact = facts(clause)
    matches = retrieve(corpus, clause, fact)
    denied = positive(clause)
    if denied != clause:
        matches += retrieve(corpus, denied, fact)
    return matches


def judge_clauses(corpus: Corpus, judge: Judge, clauses: list[str]) -> list[ClaimCheck]:
    """Each clause's candidates retrieved, then all judged in one batch (one run of votes)."""
    found = [passages(corpus, _retrieve(corpus, c)) for c in clauses]
    judged = judge.judge_many(list(zip(clauses, found, strict=True)))
    return [claim_check(corpus, c, j, ps) for c, j, ps in zip(clauses, judged, found, strict=True)]

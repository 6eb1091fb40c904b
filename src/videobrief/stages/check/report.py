"""check.json and a Markdown report a fact-checker can paste.

The report lists each claim with its verdict, the timestamps of its evidence and the evidence
quoted in both languages (original speech and English track), the words that match in bold.
"Nearest, not support" evidence is labelled as such, so nobody quotes it as confirmation.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from videobrief.files import write_atomic
from videobrief.records import CheckResult, Citation, ClaimCheck
from videobrief.text.timefmt import clock

_ICON = {
    "supported": "✅ supported",
    "partly supported": "🟡 partly supported",
    "not found": "⬜ not found",
    "contradicted": "❌ contradicted",
}


def to_json(result: CheckResult) -> str:
    """The check.json document."""
    return json.dumps(result.to_json_dict(), ensure_ascii=False, indent=2) + "\n"


def _bold(text: str, matched: tuple[str, ...]) -> str:
    """`text` with the words that match the claim in bold (prefix match, any case)."""
    if not matched:
        return text
    stems = sorted({m.lower()[: max(4, len(m) - 2)] for m in matched}, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)
    return pattern.sub(lambda m: f"**{m.group(0)}**", text)


def _citation_lines(c: Citation) -> list[str]:
    label = "" if c.support else " (nearest, not support)"
    head = f"  - [{clock(c.start)}–{clock(c.end)}] segment {c.segment_id}{label}"
    lines = [head, f"    > {_bold(c.text, c.matched)} ({c.lang or '?'})"]
    if c.english and c.english != c.text:
        lines.append(f"    > EN: {_bold(c.english, c.matched)}")
    return lines


def _claim_lines(claim: ClaimCheck, level: int = 0) -> list[str]:
    pad = "  " * level
    stamps = ", ".join(dict.fromkeys(clock(c.start) for c in claim.citations if c.support))
    at = f" @ {stamps}" if stamps else ""
    lines = [f"{pad}- **{_ICON[claim.verdict]}**{at}: {claim.text}"]
    if claim.parts:
        for part in claim.parts:
            lines += _claim_lines(part, level + 1)
        return lines
    for reason in claim.reasons:
        lines.append(f"{pad}  - why: {reason}")
    if claim.judge:
        lines.append(f"{pad}  - the judge model's vote: {claim.judge}")
    for c in claim.citations:
        lines += [pad + line for line in _citation_lines(c)]
    return lines


def to_markdown(result: CheckResult, title: str | None = None) -> str:
    """The Markdown report: a summary line, then every claim with its evidence."""
    counts = result.counts()
    summary = ", ".join(f"{n} {v}" for v, n in counts.items() if n)
    lines = [f"# Check against {title or result.video_id[:12]}", "", f"{summary}.", ""]
    lines += [f"_{note}_" for note in result.notes]
    for claim in result.claims:
        lines += _claim_lines(claim)
    return "\n".join(lines) + "\n"


def write(result: CheckResult, folder: Path, title: str | None = None) -> dict[str, Path]:
    """Write check.json and check.md into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = {"json": folder / "check.json", "md": folder / "check.md"}
    write_atomic(paths["json"], to_json(result))
    write_atomic(paths["md"], to_markdown(result, title))
    return paths

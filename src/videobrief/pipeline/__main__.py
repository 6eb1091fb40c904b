"""`python -m videobrief.pipeline`: the stage table, generated from the registry.

Prints Markdown (the docs' stage reference is this output, kept in step by `make lint`);
`--plain` prints the per-source-kind plan with each input's producing stage.
"""

from __future__ import annotations

import sys

from videobrief.pipeline.registry import REGISTRY, analyze
from videobrief.pipeline.stage import SOURCE_KINDS


def markdown() -> str:
    """One row per stage in run order: sources, inputs, outputs, fields assigned, version."""
    rows = [
        "| stage | label | sources | requires (optional) | produces | assigns | version | heavy |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in REGISTRY:
        kinds = "both" if s.kinds == SOURCE_KINDS else ", ".join(sorted(s.kinds))
        needs = ", ".join(s.requires) + (f" ({', '.join(s.optional)})" if s.optional else "")
        assigns = ", ".join(f"`{a}`" for a in s.assigns)
        rows.append(
            f"| `{s.name}` | {s.title} | {kinds} | {needs} | {', '.join(s.produces)} "
            f"| {assigns} | {s.version} | {'yes' if s.heavy else ''} |"
        )
    return "\n".join(rows)


def plain() -> str:
    """Each source kind's plan, every input with the stage that makes it."""
    lines = []
    for kind in ("media", "transcript"):
        lines.append(f"{kind} source:")
        for info in analyze(REGISTRY, kind):
            needs = ", ".join(f"{a}<-{p}" for a, p in info.requires.items())
            heavy = "  [heavy]" if info.heavy else ""
            made = ", ".join(info.produces)
            lines.append(f"  {info.name:<10} v{info.version:<10} {needs:<48} -> {made}{heavy}")
    return "\n".join(lines)


def main() -> None:
    print(plain() if "--plain" in sys.argv[1:] else markdown())


if __name__ == "__main__":
    main()

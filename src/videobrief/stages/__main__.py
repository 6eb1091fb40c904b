"""`python -m videobrief.stages`: the stage table for each source kind, from the registry."""

from __future__ import annotations

from videobrief.stages import REGISTRY, analyze


def main() -> None:
    for kind in ("media", "transcript"):
        print(f"{kind} source:")
        for info in analyze(REGISTRY, kind):
            needs = ", ".join(f"{a}<-{p}" for a, p in info.requires.items())
            heavy = "  [heavy]" if info.heavy else ""
            made = ", ".join(info.produces)
            print(f"  {info.name:<10} v{info.version:<10} {needs:<48} -> {made}{heavy}")


if __name__ == "__main__":
    main()

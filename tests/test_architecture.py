"""The layout rules, read from the source with `ast` so they stay true as the code grows.

- Layers: each top-level unit of `videobrief` has a rank (`LAYERS`); a module imports only
  from its own unit or from units of a lower rank. So `text/` imports nothing above it, and
  stages never import the store, the runner, an executor, the page, the web app or the CLI.
- A stage never imports another stage's internals: `stages/<a>/…` imports nothing from
  `stages/<b>/…`. What two stages share lives in `text/`, `models/` or the base modules.
- Every registered stage lives in `stages/<name>/stage.py`, its options in
  `stages/<name>/options.py` as a frozen dataclass, and its label agrees with its name.
- No import cycles, between modules or between top-level units.
- Each shared helper has one home: script detection and language names in
  `text/languages.py`, clocks in `text/timefmt.py`, the sample rate in `media.py`. A second
  definition fails here.

Every import counts, also those inside functions: a lazy import still ties two modules.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
from functools import cache
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "videobrief"

# Rank of each top-level unit: imports go to the same unit or a lower rank only.
LAYERS = {
    "records": 0,
    "pipeline.stage": 0,  # DECLARATION
    "errors": 0,
    "files": 0,
    "media": 0,
    "models": 1,
    "text": 2,
    "judge": 3,
    "stages": 4,
    "store": 5,
    "publish": 5,
    "pipeline": 6,
    "batch": 7,
    "web": 7,
    "cli": 8,
    "__main__": 9,
}
# The declaration of a stage (`Stage`, `Context`) is what every stage imports: it sits with
# the base modules, although it lives beside the runner.
DECLARATION = "videobrief.pipeline.stage"
# Stage names that are Python keywords get a package name ending in "s".
STAGE_PACKAGE = {"import": "imports"}

# Names with one home: name -> the module that defines it.
SINGLE_HOME = {
    "CYRILLIC_LANGS": "videobrief.text.languages",
    "LANGUAGE_NAMES": "videobrief.text.languages",
    "SAMPLE_RATE": "videobrief.media",
    "clock": "videobrief.text.timefmt",
    "vtt_timestamp": "videobrief.text.timefmt",
    "script_of": "videobrief.text.languages",
    "script_shares": "videobrief.text.languages",
    "script_for_lang": "videobrief.text.languages",
    "is_cyrillic": "videobrief.text.languages",
    "has_cyrillic": "videobrief.text.languages",
    "language_name": "videobrief.text.languages",
    "write_atomic": "videobrief.files",
}
# Bounds of the Cyrillic blocks: a string holding one is a home-made script test.
CYRILLIC_BOUNDS = ("\u0400", "\u04ff", "\u052f")
# Seconds in a minute and an hour, and the same in milliseconds.
CLOCK_UNITS = (60, 3600, 60_000, 3_600_000)


@cache
def modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if "migrations" in parts:
            continue
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


@cache
def tree(module: str) -> ast.Module:
    return ast.parse(modules()[module].read_text(encoding="utf-8"))


def _resolve(name: str) -> str | None:
    """The videobrief module an imported name lives in ("videobrief.publish.page.clock" → page)."""
    while name and name not in modules():
        name = name.rpartition(".")[0]
    return name or None


@cache
def imports() -> dict[str, dict[str, int]]:
    """module -> {imported videobrief module: line}, every import statement included."""
    graph: dict[str, dict[str, int]] = {}
    for module in modules():
        out: dict[str, int] = {}
        for node in ast.walk(tree(module)):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                assert node.level == 0, f"{module}:{node.lineno}: relative import"
                names = [f"{node.module}.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                target = _resolve(name) if name.startswith("videobrief.") else None
                if target and target != module:
                    out.setdefault(target, node.lineno)
        graph[module] = out
    return graph


def unit(module: str) -> str:
    """The top-level module or subpackage a module belongs to ("stages.speech.asr" → "stages");
    the stage declaration is a unit of its own (see `DECLARATION`)."""
    if module == DECLARATION:
        return "pipeline.stage"
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else parts[0]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def _edges(component: list[str], graph: dict[str, set[str]]) -> str:
    return "; ".join(f"{a} -> {b}" for a in component for b in sorted(graph[a]) if b in component)


def test_the_import_graph_sees_the_package():
    """Guard for the tests below: they must be reading real imports, not an empty graph."""
    graph = imports()
    assert "videobrief.stages.speech.asr" in graph
    assert "videobrief.media" in graph["videobrief.stages.speech.asr"]


def rank(module: str) -> int:
    return LAYERS[unit(module)]


def test_every_top_level_unit_has_a_layer():
    assert {unit(m) for m in modules()} - {"videobrief"} <= LAYERS.keys()
    assert "stages" in {unit(m) for m in modules()}


def test_imports_go_down_the_layers_only():
    wrong = [
        f"{module}:{line} imports {target} (layer {rank(module)} -> {rank(target)})"
        for module, targets in imports().items()
        if module != "videobrief"
        for target, line in targets.items()
        if target != "videobrief" and unit(target) != unit(module) and rank(target) > rank(module)
    ]
    assert not wrong, "imports that go up a layer:\n" + "\n".join(wrong)


def stage_of(module: str) -> str | None:
    """The stage package a module belongs to ("videobrief.stages.speech.asr" → "speech")."""
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "stages" else None


def test_a_stage_never_imports_another_stages_internals():
    wrong = [
        f"{module}:{line} imports {target}"
        for module, targets in imports().items()
        if stage_of(module)
        for target, line in targets.items()
        if stage_of(target) and stage_of(target) != stage_of(module)
    ]
    assert not wrong, "one stage reaching into another:\n" + "\n".join(wrong)


def test_each_stage_lives_in_its_own_package_with_its_options():
    from videobrief.pipeline.registry import REGISTRY

    for stage in REGISTRY:
        package = f"videobrief.stages.{STAGE_PACKAGE.get(stage.name, stage.name)}"
        assert stage.run.__module__ == f"{package}.stage", stage.name
        assert importlib.import_module(f"{package}.stage").STAGE is stage
        assert stage.options.__module__ == f"{package}.options", stage.name
        assert dataclasses.is_dataclass(stage.options), f"{stage.name}: options not a dataclass"
        assert stage.options.__dataclass_params__.frozen, f"{stage.name}: options not frozen"
        assert stage.name.lower() in stage.title.lower(), f"{stage.name}: label {stage.title!r}"


def test_no_import_cycles_between_modules():
    graph = {m: set(t) for m, t in imports().items()}
    found = cycles(graph)
    assert not found, "\n".join(_edges(c, graph) for c in found)


def test_no_import_cycles_between_top_level_packages():
    graph: dict[str, set[str]] = {}
    for module, targets in imports().items():
        graph.setdefault(unit(module), set()).update(
            unit(t) for t in targets if unit(t) != unit(module)
        )
    found = cycles(graph)
    assert not found, "\n".join(_edges(c, graph) for c in found)


def _definitions(module: str) -> list[tuple[str, int]]:
    """Functions and classes at any depth, and module-level assignments (the constants)."""
    body = tree(module).body
    out = [
        (node.name, node.lineno)
        for node in ast.walk(tree(module))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
    ]
    for node in body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            out += [(t.id, node.lineno) for t in targets if isinstance(t, ast.Name)]
    return out


@pytest.mark.parametrize("name", sorted(SINGLE_HOME))
def test_shared_helpers_have_one_home(name):
    home = SINGLE_HOME[name]
    where = [
        f"{module}:{line}"
        for module in modules()
        for defined, line in _definitions(module)
        if defined.lstrip("_") == name
    ]
    assert [w.rsplit(":", 1)[0] for w in where] == [home], f"{name} defined at {where}"


def _home_made(module: str, node: ast.AST) -> str | None:
    """Why `node` re-implements a helper that has a home, or None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        if module != "videobrief.text.languages" and any(b in node.value for b in CYRILLIC_BOUNDS):
            return "a Cyrillic range (use languages.py)"
    elif isinstance(node, ast.Constant) and type(node.value) is int:
        if module != "videobrief.media" and node.value == 16_000:
            return "16000 (use media.SAMPLE_RATE)"
    elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "divmod":
        clocky = any(isinstance(a, ast.Constant) and a.value in CLOCK_UNITS for a in node.args)
        if module != "videobrief.text.timefmt" and clocky:
            return "clock arithmetic (use timefmt.py)"
    return None


def test_no_home_made_script_or_clock_helpers():
    """Cyrillic block bounds, clock arithmetic and 16 kHz literals only in their modules."""
    wrong = [
        f"{module}:{node.lineno}: {why}"
        for module in modules()
        for node in ast.walk(tree(module))
        if (why := _home_made(module, node))
    ]
    assert not wrong, "\n".join(wrong)

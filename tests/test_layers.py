"""The layers contract: imports run one way, from the CLI down to the records, and never in a cycle.

Every import counts, also one inside a function or under TYPE_CHECKING. A new module must be placed
in LAYERS (a test fails until it is), which is where a reviewer sees what it may import.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kpicheck"

KIND_MODULES = ("threshold", "growth", "milestone", "phase", "continuous", "deadline", "end_target", "reduction")
KIND_MODULES += ("tbd", "none")

# Lowest first. A module may import modules of its own layer or below; a cycle is refused even
# within a layer. Kept in the order data flows (README: "How the code is laid out").
LAYERS: tuple[tuple[str, ...], ...] = (
    ("kpicheck", "errors", "periods", "models", "statuses", "sheet_columns"),  # records and how statuses show
    ("kinds",),  # the package's docstring
    ("kinds.base",),
    ("kinds.pace",),
    tuple(f"kinds.{name}" for name in KIND_MODULES),
    ("kinds.registry", "grading"),  # what kpicheck knows of each rule kind and grading scale
    ("inputs", "output", "cache", "workbook", "actuals"),  # readers: actuals
    ("qualifiers", "phrases", "schedule", "toml_reader", "targets"),  # readers: a plan's TOML and its cells
    ("rules", "workspace"),  # the engine, and a data root's cities
    ("selection", "console"),  # what the commands share: the year and plan chosen, problems printed
    ("kpi_table",),  # kpicheck import: the table, its rows, the draft
    ("kpi_rows",),
    ("draft",),
    ("sheet", "sheet_xlsx", "render", "validate", "importer", "summary"),  # commands' cores
    ("report_context", "render_summary"),
    ("report",),
    ("cli", "__main__"),
)
FLOOR = {name: number for number, layer in enumerate(LAYERS) for name in layer}


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "kpicheck"


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every kpicheck module `path` imports, anywhere in the file."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = node.module
            names = [f"{base}.{alias.name}" if f"{base}.{alias.name}"[9:] in known else base for alias in node.names]
        else:
            continue
        for name in names:
            if name == "kpicheck":
                found.add("kpicheck")
            elif name.startswith("kpicheck."):
                found.add(name[len("kpicheck.") :])
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(path, known) - {name} for name, path in modules.items()}


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(set(_modules()) - set(FLOOR))
    assert not unplaced, f"place these modules in tests/test_layers.py LAYERS: {unplaced}"
    gone = sorted(set(FLOOR) - set(_modules()))
    assert not gone, f"LAYERS names modules that no longer exist: {gone}"


def test_nothing_imports_upward() -> None:
    upward = [
        f"{name} (layer {FLOOR[name]}) imports {target} (layer {FLOOR[target]})"
        for name, targets in _graph().items()
        for target in sorted(targets)
        if name in FLOOR and target in FLOOR and FLOOR[target] > FLOOR[name]
    ]
    assert not upward, upward


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path (a -> b -> a), or None."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target in sorted(graph.get(node, ())):
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (found := visit(target)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_there_is_no_import_cycle() -> None:
    cycle = _cycle(_graph())
    assert cycle is None, " -> ".join(cycle or [])


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),
    ],
)
def test_the_cycle_finder_finds_cycles(graph: dict[str, set[str]], expected: list[str] | None) -> None:
    """The check above can fail: a cycle in a made-up graph is found, a diamond is none."""
    assert _cycle(graph) == expected


def test_an_import_inside_a_function_counts(tmp_path: Path) -> None:
    source = tmp_path / "m.py"
    source.write_text("def f():\n    from kpicheck.cli import main\n    import kpicheck.rules\n", encoding="utf-8")
    assert _imports(source, {"cli", "rules"}) == {"cli", "rules"}

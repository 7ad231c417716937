"""The layers contract: imports run one way, from the CLI down to the records, and never in a cycle.

Every import counts, also one inside a function or under TYPE_CHECKING. A new module must be placed
in LAYERS (a test fails until it is), which is where a reviewer sees what it may import. And no module
grows past MOST_LINES: one that does has grown a second concern (issue 18).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kpicheck"

# kinds/<kind>.py: every module of the package but what they share and the registry that lists them.
KIND_MODULES = tuple(
    sorted(p.stem for p in (PACKAGE / "kinds").glob("*.py") if p.stem not in {"__init__", "base", "pace", "registry"})
)
# What a kind module may import: what the kinds share and the records; never another kind or the registry.
KIND_MAY_IMPORT = {"kinds", "kinds.base", "kinds.pace", "models", "periods"}

# Lowest first. A module may import modules of its own layer or below; a cycle is refused even
# within a layer. Kept in the order data flows (README: "How the code is laid out").
LAYERS: tuple[tuple[str, ...], ...] = (
    # records and how statuses show
    ("kpicheck", "errors", "ids", "periods", "models", "statuses", "sheet_columns", "bidi", "json_text"),
    ("kinds",),  # the package's docstring
    ("kinds.base",),
    ("kinds.pace",),
    tuple(f"kinds.{name}" for name in KIND_MODULES),
    ("kinds.registry", "grading", "outlook"),  # what kpicheck knows of each rule kind, grading scale and 見込み
    (
        "inputs",
        "output",
        "cache_store",
        "cache",
        "workbook_limits",
        "workbook",
        "decoding",
        "actual_values",
        "actual_rows",
        "actuals",
    ),  # readers: actuals
    # readers: a plan's TOML and its cells
    (
        "qualifiers",
        "cells",
        "quantities",
        "phrases",
        "schedule",
        "plan_rows",
        "toml_reader",
        "draft_marks",
        "plan_head",
        "targets",
    ),
    ("rules", "workspace"),  # the engine, and a data root's cities
    # what the commands share: the year and plan chosen, problems printed, typer's own words in Japanese
    ("selection", "console", "click_ja", "parallel"),
    ("kpi_table",),  # kpicheck import: the table, its rows, the draft
    ("kpi_rows",),
    ("draft",),
    ("sheet", "sheet_xlsx", "render", "validate", "importer", "summary"),  # commands' cores
    ("report_outlook",),  # the report's 見込み column and chart
    ("report_context", "render_summary"),
    ("report", "status_json"),  # status_json filters by --department as the report does
    ("cli_base",),  # the app, the error boundary and the options every command takes
    ("cli", "__main__"),
)
FLOOR = {name: number for number, layer in enumerate(LAYERS) for name in layer}
MOST_LINES = 600  # issue 18: no module over 600 lines, one concern each


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts) or "kpicheck"


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _imports(path: Path, known: set[str]) -> set[str]:
    """Every kpicheck module `path` imports, anywhere in the file (in functions, under TYPE_CHECKING,
    relative imports resolved against the file's package)."""
    package = ["kpicheck", *path.relative_to(PACKAGE).parent.parts] if path.is_relative_to(PACKAGE) else ["kpicheck"]
    return _imports_in(path.read_text(encoding="utf-8"), package, known)


def _imports_in(source: str, package: list[str], known: set[str]) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            parent = package[: len(package) - node.level + 1] if node.level else []
            base = ".".join([*parent, *([node.module] if node.module else [])])
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


def test_a_kind_module_imports_no_other_kind_nor_the_registry() -> None:
    """The registry imports every kind module: a kind importing it, or another kind, would be a cycle or a
    kind's knowledge spread over two modules."""
    graph = _graph()
    wrong = {
        f"kinds.{kind}": sorted(graph[f"kinds.{kind}"] - KIND_MAY_IMPORT)
        for kind in KIND_MODULES
        if graph[f"kinds.{kind}"] - KIND_MAY_IMPORT
    }
    assert not wrong, wrong


def _too_long(modules: dict[str, Path], most: int = MOST_LINES) -> dict[str, int]:
    """The modules over `most` lines, with their line counts."""
    counts = {name: len(path.read_text(encoding="utf-8").splitlines()) for name, path in modules.items()}
    return {name: count for name, count in counts.items() if count > most}


def test_no_module_is_over_the_line_limit() -> None:
    too_long = _too_long(_modules())
    assert not too_long, f"over {MOST_LINES} lines, split these modules by concern (issue 18): {too_long}"


def test_the_line_limit_names_a_module_one_line_over(tmp_path: Path) -> None:
    """The check above can fail: a module of 601 lines is named with its count, one of 600 is not."""
    over, at = tmp_path / "over.py", tmp_path / "at.py"
    over.write_text("x = 1\n" * (MOST_LINES + 1), encoding="utf-8")
    at.write_text("x = 1\n" * MOST_LINES, encoding="utf-8")
    assert _too_long({"over": over, "at": at}) == {"over": MOST_LINES + 1}


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


@pytest.mark.parametrize(
    ("where", "source", "expected"),
    [
        ("models.py", "from .rules import evaluate", {"rules"}),
        ("models.py", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .cli import app", {"cli"}),
        ("kinds/threshold.py", "from . import registry", {"kinds.registry"}),
        ("kinds/threshold.py", "from ..report import render_report", {"report"}),
        ("models.py", "import kpicheck.rules as engine", {"rules"}),
        ("models.py", "from kpicheck import rules", {"rules"}),
    ],
)
def test_relative_aliased_and_type_checking_imports_count(where: str, source: str, expected: set[str]) -> None:
    """The contract can fail for every shape of import: each of these is seen (with its target module)."""
    package = ["kpicheck", *Path(where).parent.parts]
    found = _imports_in(source, package, set(_modules()))
    assert found == expected


def test_the_readme_lists_every_module_in_its_layer_order() -> None:
    """README "How the code is laid out": one row per module (kinds/<kind>.py stands for the kinds), in
    the order of LAYERS, so the table cannot drift from the contract."""
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]
    listed = []
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[1].startswith("`") and cells[1].endswith(".py`"):
            name = cells[1].strip("`").removesuffix(".py").replace("/", ".").removesuffix(".__init__")
            listed += [f"kinds.{kind}" for kind in KIND_MODULES] if name == "kinds.<kind>" else [name]
    listed = ["kpicheck" if name == "__init__" else name for name in listed]
    assert sorted(listed) == sorted(FLOOR), set(listed) ^ set(FLOOR)
    assert [FLOOR[name] for name in listed] == sorted(FLOOR[name] for name in listed)

"""tomli where installed, tomllib otherwise: the same tables from every file, the same KC201 (toml_reader.py)."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from conftest import REPO
from kpicheck import targets, toml_reader

PLANS = sorted((REPO / "targets").glob("*/*.toml"))


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_the_same_tables_as_tomllib(path: Path) -> None:
    source = path.read_text(encoding="utf-8-sig")
    assert repr(toml_reader.loads(source)) == repr(tomllib.loads(source))


@pytest.mark.parametrize(
    "text",
    [
        "x = {a = 1,}",  # TOML 1.1's trailing comma: refused as tomllib refuses it
        "a = 1979-05-27T07:32",  # TOML 1.1's time without seconds
        "[x]\n[x]",
        'a = "\\q"',
    ],
)
def test_toml_errors_as_tomllib_gives_them(text: str) -> None:
    with pytest.raises(tomllib.TOMLDecodeError) as expected:
        tomllib.loads(text)
    plan, problems = targets.read_plan(f"schema = 1\n{text}\n", "plan.toml")
    assert plan is None
    assert [(p.code, p.message) for p in problems] == [
        ("KC201", f"TOML の構文エラー: {str(expected.value).split(' (at line')[0]}")
    ]


def test_without_tomli_tomllib_reads() -> None:
    """Where tomli cannot be installed, the standard library's parser reads the same plan."""
    script = (
        "import sys; sys.modules['tomli'] = None\n"
        "from pathlib import Path\n"
        "from kpicheck import targets, toml_reader\n"
        "assert toml_reader.toml.__name__ == 'tomllib', toml_reader.toml\n"
        f"print(repr(targets.load_plan(Path({str(PLANS[0])!r}))))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == repr(targets.load_plan(PLANS[0]))

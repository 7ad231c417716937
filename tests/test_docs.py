"""The docs hold to the code: the guide's walk-through runs as printed, the README's JSON examples have
the real output's keys, and its code table says what errors.CODES says."""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import openpyxl

from conftest import REPO, invoke
from kpicheck.errors import CODES

GUIDE = REPO / "docs" / "guide-ja.md"
README = REPO / "README.md"


def code_blocks(text: str, language: str) -> list[str]:
    """The fenced blocks of one language, in order (an indented block, inside a list, counts too)."""
    return [
        "\n".join(line.strip() for line in body.splitlines())
        for body in re.findall(rf"^[ \t]*```{language}\n(.*?)^[ \t]*```$", text, re.MULTILINE | re.DOTALL)
    ]


def walk_through() -> list[str]:
    """The command lines of the guide's section 2 (the year's cycle), as printed."""
    guide = GUIDE.read_text(encoding="utf-8")
    section = guide.split("\n## 2.", 1)[1].split("\n## 3.", 1)[0]
    blocks = code_blocks(section, "powershell")
    return [line for block in blocks for line in block.splitlines() if line and not line.startswith("#")]


def local(cwd: Path, name: str) -> Path:
    """A Windows path of the guide (練習\\targets\\abashiri\\) on this machine."""
    return cwd / name.strip('"').replace("\\", "/").rstrip("/")


def fill_like_a_department(book_path: Path) -> int:
    """What a 課 does in Excel: a 実績 typed for each row whose 目標 is a plain 65% or 9件, the target
    met; the 基準日 left blank. Returns the rows filled. Columns are found by their headers, as the
    loader finds them, wherever the sheet puts them."""
    book = openpyxl.load_workbook(book_path)
    sheet = book.worksheets[0]
    rows = list(sheet.iter_rows())
    header_at = next(i for i, row in enumerate(rows[:10]) if {"指標", "実績", "目標"} <= {c.value for c in row})
    column = {cell.value: cell.column for cell in rows[header_at]}
    filled = 0
    for row in rows[header_at + 1 :]:
        target = sheet.cell(row[0].row, column["目標"]).value
        if isinstance(target, str) and re.fullmatch(r"\d+(\.\d+)?(%|件)", target):
            sheet.cell(row[0].row, column["実績"]).value = target
            filled += 1
    book.save(book_path)
    return filled


def test_the_guides_walk_through_runs_as_printed(tmp_path: Path) -> None:
    """Section 2 of docs/guide-ja.md, every command as printed, from a copy of the repository's data
    (demo actuals included: saving into them was 14 × KC107). The filled sheet is then read back."""
    clone = tmp_path / "kpicheck"
    for folder in ("targets", "actuals"):
        shutil.copytree(REPO / folder, clone / folder)
    cwd = clone
    env = {**os.environ, "COLUMNS": "80", "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8"}
    ran: list[str] = []
    filled = 0
    for line in walk_through():
        command, *args = [a.strip('"') for a in shlex.split(line, posix=False)]
        if command == "mkdir":
            (path,) = args
            local(cwd, path).mkdir(parents=True)
        elif command == "copy":
            source, target = args
            destination = local(cwd, target)
            assert not (destination.is_file()), line  # copy never overwrites in the walk-through
            shutil.copy(local(cwd, source), destination)
        elif command == "cd":
            (path,) = args
            cwd = local(cwd, path)
        elif command == "kpicheck":
            done = subprocess.run(
                [sys.executable, "-m", "kpicheck", *args], cwd=cwd, env=env, capture_output=True, text=True,
                encoding="utf-8", check=False, timeout=120,
            )  # fmt: skip
            assert done.returncode == 0, f"{line}\n{done.stdout}{done.stderr}"
            if args[0] == "validate":
                assert done.stdout == done.stderr == "", line  # 誤りがなければ何も表示されません
            if args[0] == "sheet" and "--department" in args:
                filled += fill_like_a_department(local(cwd, args[-1]))
        else:
            raise AssertionError(f"the guide's walk-through has a command this test does not know: {line}")
        ran.append(command)
    assert {"mkdir", "copy", "cd", "kpicheck"} <= set(ran)
    assert filled, "the department's sheet had no row this test could fill"
    assert (cwd / "報告_2027.html").is_file() and (cwd / "状況_2027.csv").is_file()
    assert not (clone / "actuals" / "abashiri" / "fy2027-情報政策課.xlsx").exists()  # the demo stays as shipped
    # the filled sheet saved where the guide says is read back: its rows are judged, not 実績未入力
    result = invoke("status", "--root", str(cwd), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    statuses = [i["status"] for i in json.loads(result.stdout)["indicators"]]
    assert statuses.count("achieved") == filled


def keys(example: Any, real: Any, where: str = "") -> list[str]:
    """Where the example's keys differ from the real output's: every object compared key by key, in
    order; a list's items against the real list's items of the same id (or position)."""
    if isinstance(example, dict) and isinstance(real, dict):
        if list(example) != list(real):
            return [f"{where or '/'}: {list(example)} != {list(real)}"]
        return [d for k in example for d in keys(example[k], real[k], f"{where}/{k}")]
    if isinstance(example, list) and isinstance(real, list):
        by_id = {item.get("id") or item.get("city"): item for item in real if isinstance(item, dict)}
        differences = []
        for n, item in enumerate(example):
            name = item.get("id") or item.get("city") if isinstance(item, dict) else None
            twin = by_id.get(name) if name else (real[n] if n < len(real) else None)
            differences += keys(item, twin, f"{where}[{name or n}]")
        return differences
    if isinstance(example, (dict, list)) != isinstance(real, (dict, list)) and real is not None:
        return [f"{where}: {type(example).__name__} != {type(real).__name__}"]
    return []


def readme_json(after: str) -> Any:
    """The README's JSON example that follows the sentence containing `after` (valid JSON, as printed)."""
    readme = README.read_text(encoding="utf-8")
    rest = readme.split(after, 1)[1]
    return json.loads(code_blocks(rest, "json")[0])


def test_the_readmes_status_json_example_has_the_real_outputs_keys() -> None:
    example = readme_json("`kpicheck status --format json` prints one object")
    result = invoke("status", "--root", str(REPO), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31",
                    "--format", "json")  # fmt: skip
    assert result.exit_code == 0, result.output
    real = json.loads(result.stdout)
    assert example["indicators"], "the example shows an indicator"
    assert keys(example, real) == []


def test_the_readmes_summary_json_example_has_the_real_outputs_keys() -> None:
    example = readme_json("`--format json` prints one object (keys are only ever added); the demo")
    result = invoke("summary", "--root", str(REPO), "--year", "2027", "--as-of", "2027-12-31", "--format", "json")
    assert result.exit_code == 0, result.output
    real = json.loads(result.stdout)
    assert {c["state"] for c in example["cities"]} >= {"ok", "no_plan"}
    assert keys(example, real) == []


def test_keys_finds_a_missing_or_extra_key() -> None:
    """The comparison above can fail: a key left out, added or moved is named."""
    real = {"a": 1, "items": [{"id": "x", "b": 2, "c": None}]}
    assert keys({"a": 1, "items": [{"id": "x", "b": 2, "c": None}]}, real) == []
    assert keys({"a": 1, "items": [{"id": "x", "b": 2}]}, real) != []
    assert keys({"items": [], "a": 1}, real) != []
    assert keys({"a": 1, "items": [{"id": "x", "b": 2, "c": None, "d": 0}]}, real) != []


def test_the_readmes_code_table_says_what_codes_says() -> None:
    """Each row: the code, its Japanese description exactly as errors.CODES holds it, an English one."""
    rows = re.findall(r"^\| (KC\d{3}) \| (.*?) \| (.*) \|$", README.read_text(encoding="utf-8"), re.MULTILINE)
    assert [code for code, _, _ in rows] == list(CODES)
    for code, japanese, english in rows:
        assert japanese.replace("\\|", "|") == CODES[code], code
        assert english.strip() and english != japanese, code


def test_every_code_says_in_japanese_what_to_do() -> None:
    """An office fixing a draft reads the description: Japanese, and for an error the way out (…ください),
    not only what is wrong; a warning says what it is."""
    for code, text in CODES.items():
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", text), code
        assert text.startswith(("警告", "import 警告")) or "ください" in text, code


def test_the_japanese_target_format_has_the_english_ones_examples() -> None:
    """docs/targets-format.md is Japanese first, English after: each TOML example of the Japanese text
    reads as the English one does (comments translated, keys and values not)."""
    text = (REPO / "docs" / "targets-format.md").read_text(encoding="utf-8")
    japanese, english = text.split("\n## English", 1)
    assert re.search(r"[\u3040-\u30ff]", japanese.splitlines()[0])  # the title is Japanese
    ja_blocks, en_blocks = code_blocks(japanese, "toml"), code_blocks(english, "toml")
    assert len(ja_blocks) == len(en_blocks) >= 5
    for ja, en in zip(ja_blocks, en_blocks, strict=True):
        assert tomllib.loads(ja) == tomllib.loads(en)

"""The pre-commit hook, run by the real pre-commit framework in a temporary data repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import MINI_PLAN, REPO

PRE_COMMIT = Path(sys.executable).with_name("pre-commit")


def git(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture(scope="module")
def data_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A city's data repository whose .pre-commit-config.yaml points at this repository's HEAD."""
    if not (REPO / ".git").exists():
        pytest.fail("the hook test needs this repository as a git checkout")
    head = git(REPO, "rev-parse", "HEAD").stdout.strip()
    repo = tmp_path_factory.mktemp("city-data")
    git(repo, "init", "-q")
    git(repo, "config", "user.email", "dx@example.jp")
    git(repo, "config", "user.name", "DX推進室")
    (repo / "targets" / "mini").mkdir(parents=True)
    (repo / "targets" / "mini" / "plan.toml").write_text(MINI_PLAN, encoding="utf-8")
    (repo / ".pre-commit-config.yaml").write_text(
        f"repos:\n  - repo: {REPO}\n    rev: {head}\n    hooks:\n      - id: kpicheck-validate\n", encoding="utf-8"
    )
    git(repo, "add", ".")
    assert git(repo, "commit", "-q", "--no-verify", "-m", "targets").returncode == 0
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home"))}
    installed = subprocess.run(
        [str(PRE_COMMIT), "install"], cwd=repo, env=env, capture_output=True, text=True, check=False
    )
    assert installed.returncode == 0, installed.stderr
    os.environ["PRE_COMMIT_HOME"] = env["PRE_COMMIT_HOME"]
    return repo


def commit(repo: Path, name: str, content: str) -> subprocess.CompletedProcess[str]:
    path = repo / "actuals" / "mini" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("cp932"))
    git(repo, "add", str(path))
    env = {**os.environ, "PATH": f"{PRE_COMMIT.parent}{os.pathsep}{os.environ['PATH']}"}
    return subprocess.run(
        ["git", "commit", "-m", f"add {name}"], cwd=repo, capture_output=True, text=True, env=env, check=False
    )


def test_a_bad_row_is_refused_with_its_place_and_code(data_repo: Path) -> None:
    result = commit(data_repo, "bad.csv", "指標,年度,実績\nrate,令和8年度,6５x%\n")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "actuals/mini/bad.csv:2:3: KC106" in output
    git(data_repo, "reset", "-q", "HEAD", "--", "actuals/mini/bad.csv")
    (data_repo / "actuals" / "mini" / "bad.csv").unlink()


def test_a_good_row_is_accepted(data_repo: Path) -> None:
    result = commit(data_repo, "good.csv", "指標,年度,実績,備考\nrate,令和8年度,６６％,サンプル\n")
    assert result.returncode == 0, result.stdout + result.stderr
    assert git(data_repo, "log", "--oneline").stdout.count("\n") == 2


def test_the_hook_is_declared_for_the_layout() -> None:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    assert "id: kpicheck-validate" in text and "require_serial: true" in text
    assert shutil.which("git") is not None

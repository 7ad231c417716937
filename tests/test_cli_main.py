"""cli.main builds only the command typed (issue 23: start-up), and says exactly what the whole app says."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import REPO
from kpicheck import cli
from kpicheck.cli_base import app

DEMO = ("--root", str(REPO), "--city", "abashiri", "--year", "2027", "--as-of", "2027-12-31")


def run(entry: Callable[[], object], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exit_:
        entry()
    out, err = capsys.readouterr()
    return int(exit_.value.code or 0), out, err


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--help"),
        ("list", "--help"),
        ("status", *DEMO, "--format", "json"),
        ("status", *DEMO, "--bogus"),  # a usage error names the command as before
        ("stat",),  # no such command: every command is built, and the closest is suggested
        ("--help",),
        ("--debug", "status", *DEMO),  # an option first: the whole app
    ],
)
def test_main_says_what_the_whole_app_says(
    args: tuple[str, ...], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setattr("sys.argv", ["kpicheck", *args])
    every = list(app.registered_commands)
    whole = run(app, capsys)
    assert run(cli.main, capsys) == whole
    assert whole[1] or whole[2]  # each case says something
    assert app.registered_commands == every  # the app is whole again for whatever runs next

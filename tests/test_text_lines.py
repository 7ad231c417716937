"""decoding.text_lines: the lines csv.reader gets are those of decode()'s text, however the bytes are read."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from kpicheck import decoding
from kpicheck.decoding import DecodeError, decode, text_lines
from kpicheck.inputs import read_input

TEXT = '指標,年度,実績\r\nrate,令和8年度,６５％\rcount,2026,"1\r\n2"\nplan,2026,済\n\u2028last'
SAMPLES = [
    TEXT.encode("utf-8"),
    TEXT.encode("utf-8-sig"),
    TEXT.encode("cp932", errors="replace"),  # not UTF-8: decode's text, as before
    b"",
    b"\xef\xbb\xbf",
    b"a,b\r",
]


@pytest.mark.parametrize("chunk", [1, 2, 3, 7, 1 << 20])
@pytest.mark.parametrize("raw", SAMPLES)
def test_lines_are_those_of_the_decoded_text(raw: bytes, chunk: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(decoding, "_CHUNK", chunk)  # a character or a CRLF cut between chunks
    assert list(text_lines(raw)) == list(io.StringIO(decode(raw), newline=""))


@pytest.mark.parametrize(
    "raw",
    [
        TEXT.encode("utf-16"),
        b"PK\x03\x04plain ascii",
        "指標,年度\n".encode() + b"\xe6\x8c",  # UTF-8 cut in the middle of a character
        b"\x82\xa0\xa0\x81\x7f",  # neither UTF-8 nor CP932
    ],
)
def test_undecodable_bytes_raise_as_decode_does(raw: bytes) -> None:
    with pytest.raises(DecodeError) as expected:
        decode(raw)
    with pytest.raises(DecodeError) as found:
        text_lines(raw)
    assert (str(found.value), found.value.line, found.value.column) == (
        str(expected.value),
        expected.value.line,
        expected.value.column,
    )


def test_a_file_is_read_whole_without_reserving_the_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """read_input reads the file's size (and what it grew by since stat, up to the cap), not the cap."""
    path = tmp_path / "a.csv"
    path.write_bytes(b"x" * 1000)
    assert read_input(path) == b"x" * 1000
    real_stat = Path.stat

    def stale(self: Path, **kwargs: bool) -> object:  # the file grew after stat looked
        info = real_stat(self, **kwargs)
        return type("Info", (), {"st_mode": info.st_mode, "st_size": 10})()

    monkeypatch.setattr(Path, "stat", stale)
    assert read_input(path) == b"x" * 1000

"""A CSV's bytes as text: UTF-8 (with or without a BOM), else CP932, telling damaged UTF-8 from CP932."""

from __future__ import annotations

import codecs
import io
from collections.abc import Iterable


class DecodeError(ValueError):
    """Bytes that are neither UTF-8 nor CP932, with the line and column of the first bad byte."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else CP932. DecodeError at the first bad byte's line and column.

    Bytes that fail as UTF-8 are tried as CP932 first: a CP932 file with an English header and a little
    Japanese may hold a byte run that is valid UTF-8 by chance. They are UTF-8 with a DecodeError at the
    first damaged sequence (a byte cut or changed by a tool) when CP932 fails too and they hold any
    well-formed Japanese UTF-8, or when they clearly are UTF-8 (_damaged_utf8): read as CP932 such a
    file would turn into mojibake without a word.
    """
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DecodeError(
            "UTF-16 のテキスト（Excel の「Unicode テキスト」）です。「CSV UTF-8」または「CSV」で保存し直してください",
            1,
            1,
        )
    if raw.startswith(b"PK\x03\x04"):
        raise DecodeError(
            "zip ファイル（.csv に名前を変えた Excel ブック？）です。「CSV UTF-8」または「CSV」で保存し直してください",
            1,
            1,
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as utf8:
        start = utf8.start + (len(_BOM) if raw.startswith(_BOM) else 0)  # utf-8-sig counts from after it
    damaged, bad = _damaged_utf8(raw)
    if not damaged:
        try:
            return raw.decode("cp932")
        except UnicodeDecodeError:
            damaged = _wide(raw) > 0  # neither: UTF-8 with damage when it has Japanese in UTF-8 at all
    line, column = _place(raw, start)
    if damaged:
        more = f"（不正なバイトはファイル全体で {bad:,} バイト）" if bad > 1 else ""
        raise DecodeError(
            f"UTF-8 のファイルですが、ここに UTF-8 として不正なバイト 0x{raw[start]:02x} があります{more}。"
            "壊れた文字を打ち直し、UTF-8 で保存し直してください",
            line,
            column,
        )
    # The place where UTF-8 failed: the first byte that is wrong in the more likely encoding.
    cp932 = _cp932_error(raw)
    raise DecodeError(
        f"UTF-8 でも（不正なバイト 0x{raw[start]:02x}）"
        f"CP932 でも（位置 {cp932} に不正なバイト）ありません。"
        "「CSV UTF-8」または「CSV」で保存し直してください",
        line,
        column,
    )


def text_lines(raw: bytes) -> Iterable[str]:
    """A CSV's bytes as lines for csv.reader, decoded as decode() decodes them (DecodeError the same).

    UTF-8 (nearly every file) is checked in chunks and then decoded as it is read, so a large file is in
    memory once, as bytes, rather than also as a str and as StringIO's copy of it (four bytes a character).
    """
    # A file of one chunk or less (nearly every city's) is decoded whole, once, rather than checked a chunk
    # at a time and decoded again through a TextIOWrapper: a national city's 8 KB file is decoded and
    # parsed by csv in 0.84x the time.
    if len(raw) > _CHUNK and not raw.startswith(_REFUSED) and _utf8(raw):
        return io.TextIOWrapper(io.BytesIO(raw), encoding="utf-8-sig", newline="")
    return io.StringIO(decode(raw), newline="")


_REFUSED = (b"\xff\xfe", b"\xfe\xff", b"PK\x03\x04")  # UTF-16 and zip: decode says what they are
_CHUNK = 1 << 20


def _utf8(raw: bytes) -> bool:
    """Whether the bytes are well-formed UTF-8, checked a chunk at a time (no str of the whole file)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(raw)
    try:
        for start in range(0, len(raw), _CHUNK):
            decoder.decode(view[start : start + _CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


_BOM = "\ufeff".encode()
# Lead bytes of 3- and 4-byte UTF-8 sequences: characters from U+0800 (かな, 漢字, 全角 forms).
_WIDE_LEADS = bytes(range(0xE0, 0xF5))


def _damaged_utf8(raw: bytes) -> tuple[bool, int]:
    """Whether bytes that fail as UTF-8 are clearly UTF-8 with damage even if they pass as CP932, and how
    many bytes are bad.

    Japanese text in CP932 seldom forms valid UTF-8: its lead bytes 0x81-0x9F never start a UTF-8
    sequence. But a 3-byte sequence that happens to be valid does occur (一部 is 88 EA 95 94, and EA 95
    94 is valid UTF-8), and 半角カナ (0xA1-0xDF) often pair into valid 2-byte ones (ﾃｽ is ý). So only
    characters of 3 and 4 bytes count, and only two or more, at least as many as the bad bytes: a UTF-8
    押印 with a CP932 あ pasted after it is 2 and 2, a cut 押 leaves 2 bad bytes. Of the 1,211 phrases
    of the shipped plans alone in CP932 (tests), 267 hold a chance sequence: one with 1 or 2 bad bytes,
    two with 6 or more, three with 16 or more; a whole plan 34 to 63 with 2,230 bad bytes or more.
    Anything less is tried as CP932 first (decode). Counted in C (decode, translate), so a 64 MB file
    costs milliseconds.
    """
    valid = raw.decode("utf-8", "ignore").encode("utf-8")
    bad = len(raw) - len(valid)
    wide = _wide(valid)
    return wide >= _CLEARLY and wide >= bad, bad


_CLEARLY = 2  # well-formed characters of 3 or 4 bytes that, with no more bad bytes, make a file UTF-8


def _wide(raw: bytes) -> int:
    """Well-formed UTF-8 characters of 3 or 4 bytes in `raw`."""
    valid = raw.decode("utf-8", "ignore").encode("utf-8")
    return len(valid) - len(valid.translate(None, _WIDE_LEADS))


def _cp932_error(raw: bytes) -> int:
    """The offset of the first byte that is not CP932."""
    try:
        raw.decode("cp932")
    except UnicodeDecodeError as error:
        return error.start
    return 0


def _place(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, from 1) of a byte offset in text that is UTF-8 before it."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[line_start:offset].decode("utf-8", errors="replace")
    if line_start == 0 and prefix.startswith("\ufeff"):
        prefix = prefix[1:]
    return raw.count(b"\n", 0, offset) + 1, len(prefix) + 1

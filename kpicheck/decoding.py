"""A CSV's bytes as text: UTF-8 (with or without a BOM), else CP932, telling damaged UTF-8 from CP932."""

from __future__ import annotations


class DecodeError(ValueError):
    """Bytes that are neither UTF-8 nor CP932, with the line and column of the first bad byte."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


def decode(raw: bytes) -> str:
    """UTF-8 (with or without BOM), else CP932. DecodeError at the first bad byte's line and column.

    A file that is UTF-8 but for some damaged sequences (a byte cut or changed by a tool) is UTF-8 with
    a DecodeError at the first one: read as CP932 it would turn into mojibake without a word. Only a
    file that is not UTF-8 at all is read as CP932 (_damaged_utf8 tells the two apart).
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
        if damaged:
            line, column = _place(raw, start)
            more = f"（不正なバイトはファイル全体で {bad:,} バイト）" if bad > 1 else ""
            raise DecodeError(
                f"UTF-8 のファイルですが、ここに UTF-8 として不正なバイト 0x{raw[start]:02x} があります{more}。"
                "壊れた文字を打ち直し、UTF-8 で保存し直してください",
                line,
                column,
            ) from None
        try:
            return raw.decode("cp932")
        except UnicodeDecodeError as cp932:
            # The place where UTF-8 failed: the first byte that is wrong in the more likely encoding.
            line, column = _place(raw, start)
            raise DecodeError(
                f"UTF-8 でも（不正なバイト 0x{raw[start]:02x}）"
                f"CP932 でも（位置 {cp932.start} に不正なバイト）ありません。"
                "「CSV UTF-8」または「CSV」で保存し直してください",
                line,
                column,
            ) from None


_BOM = "\ufeff".encode()
# Lead bytes of 3- and 4-byte UTF-8 sequences: characters from U+0800 (かな, 漢字, 全角 forms).
_WIDE_LEADS = bytes(range(0xE0, 0xF5))


def _damaged_utf8(raw: bytes) -> tuple[bool, int]:
    """Whether bytes that fail as UTF-8 are UTF-8 with damage rather than CP932, and how many are bad.

    Japanese text in CP932 almost never forms valid UTF-8: its lead bytes 0x81-0x9F never start a UTF-8
    sequence, and a 3-byte sequence that happens to be valid is rare. Its 半角カナ (0xA1-0xDF) do often
    pair into valid 2-byte sequences (ﾃｽ is ý), so only characters of 3 and 4 bytes count: UTF-8 with
    damage has more bytes in them than bad bytes (a cut 押 leaves 2 bad bytes beside every other
    character), CP932 far fewer (about 1 in 10). Counted in C (decode, translate), so a 64 MB file
    costs milliseconds.
    """
    valid = raw.decode("utf-8", "ignore").encode("utf-8")
    bad = len(raw) - len(valid)
    wide = len(valid) - len(valid.translate(None, _WIDE_LEADS))
    return 3 * wide > bad, bad


def _place(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (in characters, from 1) of a byte offset in text that is UTF-8 before it."""
    line_start = raw.rfind(b"\n", 0, offset) + 1
    prefix = raw[line_start:offset].decode("utf-8", errors="replace")
    if line_start == 0 and prefix.startswith("\ufeff"):
        prefix = prefix[1:]
    return raw.count(b"\n", 0, offset) + 1, len(prefix) + 1

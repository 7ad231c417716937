"""Bidirectional controls made visible: one function every renderer passes people-facing text through.

A name holding U+202E (RIGHT-TO-LEFT OVERRIDE) would reorder the rest of its line in a browser, a
Markdown viewer or a bidi-aware terminal, so that a report shows what its data does not say (display
spoofing, as in CVE-2021-42574 "Trojan Source"). Japanese plans never need these controls, but they
are not dropped either: a reviewer sees ``<U+202E>`` where one was and can find it in the file.
JSON and CSV keep the exact text (they are data, read back by programs).
"""

from __future__ import annotations

# The embeddings and overrides (U+202A-U+202E), the isolates (U+2066-U+2069), the marks LRM, RLM and
# the Arabic letter mark: every code point Unicode's bidi algorithm (UAX #9) treats as a control.
BIDI_CONTROLS = (
    *(chr(c) for c in range(0x202A, 0x202F)),
    *(chr(c) for c in range(0x2066, 0x206A)),
    "\u200e",
    "\u200f",
    "\u061c",
)
_VISIBLE = str.maketrans({ch: f"<U+{ord(ch):04X}>" for ch in BIDI_CONTROLS})


def visible_bidi(text: str) -> str:
    """`text` with every bidi control written as ``<U+XXXX>``, so that it cannot reorder what follows."""
    return text.translate(_VISIBLE)

"""The one character set of the ids that name folders and are typed on command lines: city ids (the
folder targets/<city>/) and plan ids ([plan] id, --plan, the actuals' plan column).

Lower-case ASCII letters, digits, `-` and `_`, starting with a letter or a digit, at most 64 characters
(docs/targets-format.md). Lower case only, so two ids never name one folder on a file system that ignores
case (Windows, macOS); nothing else, so an id is never a path (`../x`), a quote or a space in a file name.
"""

from __future__ import annotations

import re

_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,63}")
# What the set is, in the words of every problem that refuses an id.
ID_RULE = "英小文字・数字・- と _ で、先頭は英小文字か数字、64 文字まで"


def is_id(text: str) -> bool:
    """Whether `text` is a city or plan id as it stands (no normalising: an id names a folder)."""
    return _ID.fullmatch(text) is not None

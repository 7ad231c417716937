"""JSON text exactly as `json.dumps(value, ensure_ascii=False, indent=2)` writes it, in C where it counts.

Its own module so that a document can be written a part at a time (render.json_chunks) with the very
bytes the whole would have.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

# `json.dumps(indent=2)` runs Python's pure-Python encoder (the C one knows no indent before 3.14),
# 3-4x slower on a large city. The C encoder's item separator may be any text, so one made of a comma,
# a line break and the depth's spaces lays out every container whose items are all scalars exactly as
# indent=2 would (its strings never hold a raw line break: they are escaped). The C encoder is called
# directly: JSONEncoder.encode builds a new one on every call, which costs more than small dicts do.
# It is taken from _json, json's C part, as json.encoder takes it: importing json itself also loads
# its decoder, a millisecond of every `status --format json` that reads no JSON.
_ENCODERS: dict[int, Callable[[Any], str]] = {}
_NESTED = (dict, list, tuple)
_SCALARS = frozenset({str, int, float, bool, type(None)})


def _encoder(depth: int) -> Callable[[Any], str]:
    encode = _ENCODERS.get(depth)
    if encode is None:
        separator = ",\n" + "  " * (depth + 1)
        try:
            from _json import encode_basestring, make_encoder  # noqa: PLC0415 - see above
        except ImportError:  # a Python without the C accelerator: the same text, slower
            import json  # noqa: PLC0415

            encode = json.JSONEncoder(ensure_ascii=False, separators=(separator, ": ")).encode
        else:
            c_encode = make_encoder(None, _unserializable, encode_basestring, None, ": ", separator,
                                    False, False, True)  # fmt: skip
            encode = functools.partial(_joined, c_encode)
        _ENCODERS[depth] = encode
    return encode


def _joined(c_encode: Callable[[Any, int], tuple[str, ...]], value: Any) -> str:
    return "".join(c_encode(value, 0))


def _unserializable(value: object) -> Any:
    import json  # noqa: PLC0415 - only for a value JSON cannot hold

    return json.JSONEncoder().default(value)  # raises TypeError, as json.dumps does


def indented_json(value: Any, depth: int = 0) -> str:
    """Exactly `json.dumps(value, ensure_ascii=False, indent=2)` of acyclic data, `depth` levels in, in C
    where it counts.

    A container's scalar items are written by the C encoder in one call, each non-empty container
    among them standing in as a marker string that is then replaced by its own text, written the same
    way one level in. Where a marker's text could also come from the data, the slower exact way runs.
    """
    encode = _encoder(depth)
    if not isinstance(value, _NESTED) or not value:
        return encode(value)
    pad = "  " * depth
    is_dict = isinstance(value, dict)
    pairs = value.items() if isinstance(value, dict) else enumerate(value)
    # Most items are exactly str, int, float, bool or None: one look-up each rules them out.
    nested = [key for key, v in pairs if type(v) not in _SCALARS and isinstance(v, _NESTED) and v]
    if not nested:
        text = encode(value)
    elif not is_dict and len(nested) == len(value):  # a list of containers: nothing to stand in
        text = "[" + (",\n  " + pad).join([indented_json(v, depth + 1) for v in value]) + "]"
    else:
        flat: Any = dict(value) if is_dict else list(value)
        for n, key in enumerate(nested):
            flat[key] = f"{_MARK}{n}"
        text = encode(flat)
        if text.count(_MARK_TEXT) != len(nested) or (is_dict and not all(isinstance(k, str) for k in nested)):
            return _indented_slowly(value, depth)
        parts, rest = [], text
        for n, key in enumerate(nested):
            head, _, rest = rest.partition(f'"{_MARK_TEXT}{n}"')
            parts += [head, indented_json(value[key], depth + 1)]
        text = "".join([*parts, rest])
    return f"{text[0]}\n{pad}  {text[1:-1]}\n{pad}{text[-1]}"


_MARK = "\x00kpicheck\x00"  # a container's stand-in; _MARK_TEXT is how the C encoder writes it
_MARK_TEXT = "\\u0000kpicheck\\u0000"  # json.dumps(_MARK)[1:-1] (tests/test_json_text.py holds the two together)


def _indented_slowly(value: dict[Any, Any] | list[Any] | tuple[Any, ...], depth: int) -> str:
    """indented_json where a marker could be mistaken for data: runs of scalars in one C call each."""
    encode, pad = _encoder(depth), "  " * depth
    is_dict = isinstance(value, dict)
    parts: list[str] = []
    run: dict[Any, Any] = {}
    for key, v in value.items() if isinstance(value, dict) else enumerate(value):
        if not isinstance(v, _NESTED) or not v:
            run[key] = v
            continue
        if run:
            parts.append(encode(run if is_dict else list(run.values()))[1:-1])
            run = {}
        if not is_dict:
            parts.append(indented_json(v, depth + 1))
        elif isinstance(key, str):
            parts.append(f"{encode(key)}: {indented_json(v, depth + 1)}")
        else:  # json.dumps turns 1 into "1": leave such keys to it
            import json  # noqa: PLC0415 - only for such keys

            return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)
    if run:
        parts.append(encode(run if is_dict else list(run.values()))[1:-1])
    text = (",\n  " + pad).join(parts)
    return f"{{\n{pad}  {text}\n{pad}}}" if is_dict else f"[\n{pad}  {text}\n{pad}]"

"""The rule kinds: one module per kind (how it is judged, how it is described, its flags) and one registry.

`registry.KINDS` is the one place the engine, the readers and the renderers look a kind up. The kind
modules import only `base` (and `pace`), never the registry, so the registry can import them all.
"""

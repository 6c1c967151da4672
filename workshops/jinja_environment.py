"""Flask's Jinja environment, with template globals whose keys compare at C speed.

Every `{% from "..." import ... %}` asks whether the importing template has globals the
imported one lacks (`ctx.globals_keys - template.globals.keys()`, in jinja2.environment
`_get_default_module`). Jinja keeps a template's globals as a ChainMap over the environment's,
and a set minus a ChainMap's keys view runs in Python, one `in` over every map for each key.
A page here makes 18 such imports (the GOV.UK macros), and that was a sixth of a page's render:
bench.booking_in_process and bench.national print the figures. Here `keys()` gives the
environment's own dict keys when the template adds no globals of its own (almost always), so
the difference is a C set operation; the ChainMap, and where writes to it go, are unchanged.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import KeysView, MutableMapping
from typing import Any

from flask.templating import Environment as FlaskEnvironment


class TemplateGlobals(ChainMap):
    def keys(self) -> KeysView:  # type: ignore[override]
        own, shared = self.maps
        return (shared.keys() | own.keys()) if own else shared.keys()  # type: ignore[return-value]


class Environment(FlaskEnvironment):
    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        return TemplateGlobals({} if d is None else d, self.globals)

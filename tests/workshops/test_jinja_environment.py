"""The app's Jinja environment: faster template globals, with Jinja's meaning kept."""

from __future__ import annotations

from flask import Flask


def test_a_templates_own_globals_stay_its_own(app: Flask) -> None:
    env = app.jinja_env
    own = env.from_string("{{ only_here }} {{ service }}",
                          globals={"only_here": "mine", "service": "overridden"})
    assert own.render() == "mine overridden"
    assert "only_here" not in env.globals
    assert set(own.globals.keys()) == set(env.globals) | {"only_here", "service"}
    # A cached template given globals later keeps them too (Jinja updates its globals map).
    env.get_template("public/privacy.html")
    again = env.get_template("public/privacy.html", globals={"later": 1})
    assert again.globals.keys() >= {"later"} and "later" not in env.globals


def test_an_import_sees_the_importers_globals_only_when_it_has_its_own(app: Flask) -> None:
    """Jinja makes a fresh module for an import whose importer has globals it lacks (so the
    macro can see them); with none, the cached module is reused. Both still hold."""
    env = app.jinja_env
    macro = env.from_string("{% macro who() %}{{ visitor | default('nobody') }}{% endmacro %}")
    importer = env.from_string("{% from m import who %}{{ who() }}",
                               globals={"visitor": "Ada"})
    plain = env.from_string("{% from m import who %}{{ who() }}")
    assert importer.render(m=macro) == "Ada"
    assert plain.render(m=macro) == "nobody"
    assert plain.render(m=macro) == "nobody"

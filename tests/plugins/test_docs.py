"""docs/plugins.md documents every hook and every part of the contract, and its tutorial works."""

from __future__ import annotations

import inspect
import re
import types
from pathlib import Path

import pytest

import caja_core
from caja_core import ActivityType, display, hookspecs
from caja_core.activity import answer_schema_of, results_json
from caja_core.plugins import PluginHost
from caja_core.testing import ActivityHarness

DOC = Path(__file__).resolve().parents[2] / "docs" / "plugins.md"
TEXT = DOC.read_text(encoding="utf-8")
HEADINGS = [line.lstrip("#").strip() for line in TEXT.splitlines() if line.startswith("#")]


def _hookspec_names() -> list[str]:
    marker = f"{hookspecs.PROJECT_NAME}_spec"
    return [
        name
        for name, fn in inspect.getmembers(hookspecs, inspect.isfunction)
        if hasattr(fn, marker)
    ]


def _has_heading(name: str) -> bool:
    return any(f"`{name}`" in h or h == name for h in HEADINGS)


def test_there_are_hookspecs_to_check() -> None:
    assert "caja_register_activity_types" in _hookspec_names()


@pytest.mark.parametrize("hook", _hookspec_names())
def test_every_hook_has_its_own_section(hook: str) -> None:
    assert _has_heading(hook), f"docs/plugins.md has no heading for the hook {hook}"


def _activity_type_members() -> list[str]:
    own = set(vars(ActivityType)) - set(vars(object))
    own |= set(ActivityType.__annotations__)
    return sorted(n for n in own if not n.startswith("_"))


@pytest.mark.parametrize("member", _activity_type_members())
def test_every_activity_type_member_has_a_heading(member: str) -> None:
    assert _has_heading(member), f"docs/plugins.md has no heading for ActivityType.{member}"


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n in caja_core.__all__
        if n not in {"hookimpl", "Role", "ActivityType"} and not n.endswith(("Rejected", "Invalid"))
    ),
)
def test_every_public_class_has_a_heading(name: str) -> None:
    assert _has_heading(name), f"docs/plugins.md has no heading for caja_core.{name}"


@pytest.mark.parametrize(
    "name",
    sorted(
        n
        for n, obj in vars(display).items()
        if inspect.isclass(obj) and obj.__module__ == display.__name__ and not n.startswith("_")
    ),
)
def test_every_display_class_is_described(name: str) -> None:
    assert f"`{name}`" in TEXT, f"docs/plugins.md does not describe caja_core.display.{name}"


def test_every_display_kind_is_listed() -> None:
    for kind in display.DISPLAY_KINDS:
        assert f"`{kind}`" in TEXT


def _python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", TEXT, flags=re.S)


def test_python_examples_compile() -> None:
    blocks = _python_blocks()
    assert len(blocks) >= 3
    for block in blocks:
        compile(block, str(DOC), "exec")


def test_the_tutorial_plugin_works() -> None:
    source = re.search(r"<!-- tutorial-module -->\n```python\n(.*?)```", TEXT, flags=re.S)
    assert source is not None, "the tutorial's module is marked with <!-- tutorial-module -->"
    module = types.ModuleType("tutorial_rating")
    exec(compile(source.group(1), str(DOC), "exec"), module.__dict__)

    host = PluginHost(strict=True)
    host.register(module, name="tutorial")
    rating = host.get("rating")
    h = ActivityHarness(rating, {"question": "How was the talk?", "scale": 5})
    h.activate()
    h.answer("ann", {"value": 5})
    h.answer("bob", {"value": 4})
    expected = {"count": 2, "average": 4.5, "distribution": [0, 0, 0, 1, 1]}
    assert results_json(h.results()) == expected
    assert rating.results_schema() is not None
    view, mine = h.phone("ann")
    assert mine is not None and mine.accepting_answers is False
    assert mine.extra == {"your_rating": 5}
    assert view.results == expected
    assert [b.kind for b in view.display] == ["stats", "bars"]
    assert h.export() == [{"rating": "5 / 5"}, {"rating": "4 / 5"}]
    form = answer_schema_of(rating, rating.parse_config({"question": "Q", "scale": 7}))
    assert form["properties"]["value"]["x-caja-widget"] == "slider"
    assert form["properties"]["value"]["maximum"] == 7
    assert "title" not in form, "no class name in the phone's form"

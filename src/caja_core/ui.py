"""Form hints for the web app's generated forms, and the schemas it is given.

The admin's config form and the phone's answer form are generated from JSON Schemas. A
field may carry a hint, under the key ``x-caja-widget``, that picks a better control than
its type alone would. Put the hints on a pydantic field with ``json_schema_extra``::

    from pydantic import Field
    from caja_core import ui

    class Config(StrictModel):
        prompt: str = Field(title="Prompt", json_schema_extra=ui.long_text())
        picture: str | None = Field(None, title="Picture", json_schema_extra=ui.image())

    class Answer(StrictModel):
        value: int = Field(title="Your rating", ge=1, le=5, json_schema_extra=ui.slider(1, 5))

The documented hints (``docs/plugins.md``): ``long_text``, ``slider``, ``ordering``,
``image``. A form that doesn't know a hint falls back to the field's type.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

WIDGET = "x-caja-widget"
"""The JSON Schema keyword that carries a hint."""

JSON = dict[str, Any]


def long_text(rows: int = 4) -> JSON:
    """A multi-line text box (``rows`` lines tall) instead of a one-line input."""
    return {WIDGET: "long_text", "x-caja-rows": rows}


def slider(
    minimum: float, maximum: float, step: float = 1, *, low: str = "", high: str = ""
) -> JSON:
    """A slider from ``minimum`` to ``maximum`` for a number; ``low`` / ``high`` label its
    ends ("Not at all" ... "Completely")."""
    hint: JSON = {WIDGET: "slider", "x-caja-step": step, "minimum": minimum, "maximum": maximum}
    if low or high:
        hint["x-caja-labels"] = [low, high]
    return hint


def ordering() -> JSON:
    """A list the participant puts in order (a move-up and a move-down button per item)
    instead of editing it: for an array whose items are one of a fixed set, all of which must
    appear."""
    return {WIDGET: "ordering"}


def image() -> JSON:
    """An image upload (through the host's media storage) for a string field holding the
    image's URL."""
    return {WIDGET: "image", "format": "uri-reference"}


def choices(pairs: Iterable[tuple[str, str]]) -> JSON:
    """A schema for one of several values, each with a human label: ``oneOf`` of
    ``{"const": value, "title": label}``. Use it in a config-dependent answer schema (see
    :meth:`caja_core.activity.ActivityType.answer_schema`)."""
    return {"type": "string", "oneOf": [{"const": value, "title": label} for value, label in pairs]}


def form_schema(model: type[BaseModel]) -> JSON:
    """The JSON Schema of ``model`` as a form should show it.

    Pydantic titles a model after its class ("RatingConfig") and describes it with the
    class docstring, which is written for developers; both are dropped here, at the top and
    in ``$defs``, unless the model sets a title of its own (``model_config =
    ConfigDict(title="...")``). Field titles and descriptions are kept.
    """
    schema = model.model_json_schema()
    if not model.model_config.get("title"):
        _drop_class_text(schema, model.__name__)
    for name, sub in schema.get("$defs", {}).items():
        _drop_class_text(sub, name)
    return schema


def _drop_class_text(schema: JSON, class_name: str) -> None:
    """Drop the title pydantic made from a class name and the description it took from the
    class docstring (a field's own title and description live in ``properties``)."""
    if schema.get("title") == class_name:
        schema.pop("title")
    schema.pop("description", None)

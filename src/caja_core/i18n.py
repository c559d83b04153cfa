"""Languages: which one a request gets, and activity types' texts in it.

The host ships five languages (:data:`LANGUAGES`); which one a caller sees is decided in
one place, :func:`negotiate`: an explicit ``?lang=``, else the session's fixed language,
else the caller's ``Accept-Language``, else English.

An activity type translates its own texts with per-language JSON catalogs in a directory
(``ActivityType.messages``, one ``<language>.json`` each, usually ``locales/`` next to the
module). A catalog maps the English text (the message id) to its translation; a text with
a number maps to its plural forms by CLDR category (``{"one": ..., "other": ...}``; Arabic
also ``zero``, ``two``, ``few``, ``many``), chosen with Babel's plural rules. Anything a
catalog lacks stays English. :class:`Translator` is what a type gets (``ctx.translator``);
the host translates its title, description, JSON-Schema titles and descriptions, action
titles and :class:`Message` errors with the same catalogs.
"""

from __future__ import annotations

import ast
import functools
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import structlog
from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal

log = structlog.get_logger(__name__)

LANGUAGES: tuple[str, ...] = ("en", "es", "de", "fr", "ar")
"""The languages the host ships complete (web app and built-in types)."""

DEFAULT_LANGUAGE = "en"

Entry = str | Mapping[str, str]
"""A catalog entry: a translation, or its plural forms by CLDR category."""


def is_language(value: object) -> bool:
    """Whether ``value`` is one of :data:`LANGUAGES`."""
    return isinstance(value, str) and value in LANGUAGES


def _base(tag: str) -> str:
    return tag.strip().replace("_", "-").split("-")[0].lower()


def parse_accept_language(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header, best first (``q=0`` dropped)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")[:32]):
        tag, _, params = part.strip().partition(";")
        if not tag or tag == "*":
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def negotiate(
    requested: str | None = None,
    accept_language: str | None = None,
    session_language: str | None = None,
    available: Iterable[str] = LANGUAGES,
) -> str:
    """The language to answer in.

    ``requested`` (a ``?lang=``) wins, then the session's fixed language, then the first
    of the ``Accept-Language`` languages we have (``es-MX`` finds ``es``), then English.
    """
    have = tuple(available)
    for candidate in (requested, session_language):
        if candidate and _base(candidate) in have:
            return _base(candidate)
    for tag in parse_accept_language(accept_language):
        if _base(tag) in have:
            return _base(tag)
    return DEFAULT_LANGUAGE


@functools.cache
def _plural_rule(language: str) -> Any:
    try:
        return Locale.parse(language).plural_form
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LANGUAGE).plural_form


@functools.lru_cache(maxsize=256)
def load_catalog(directory: Path, language: str) -> Mapping[str, Entry]:
    """The catalog ``<directory>/<language>.json`` (empty when there is none or it is
    broken: a broken catalog is logged, and its texts stay English)."""
    path = directory / f"{language}.json"
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        log.warning("catalog_unreadable", path=str(path), error=str(exc))
        return {}
    if not isinstance(data, dict):
        log.warning("catalog_unreadable", path=str(path), error="not a JSON object")
        return {}
    return {
        k: v
        for k, v in data.items()
        if isinstance(k, str) and (isinstance(v, str) or (isinstance(v, dict) and "other" in v))
    }


class Translator:
    """Texts in one language from one catalog; English (the message ids) when it lacks them.

    ``{name}`` placeholders are filled from keyword arguments; numbers are formatted for
    the language (``1,234`` / ``1.234``).
    """

    __slots__ = ("catalog", "language")

    def __init__(
        self, language: str = DEFAULT_LANGUAGE, catalog: Mapping[str, Entry] | None = None
    ):
        self.language = language
        self.catalog: Mapping[str, Entry] = catalog or {}

    def __repr__(self) -> str:
        return f"Translator({self.language!r}, {len(self.catalog)} texts)"

    def _format(self, text: str, params: Mapping[str, Any], english: str) -> str:
        if not params:
            return text
        shown = {
            k: format_decimal(v, locale=self.language)
            if isinstance(v, int | float) and not isinstance(v, bool)
            else v
            for k, v in params.items()
        }
        try:
            return text.format_map(shown)
        except (KeyError, IndexError, ValueError):
            if text is english:
                return text
            # A translation with a placeholder English does not have: show English.
            return self._format(english, params, english)

    def gettext(self, text: str, /, **params: Any) -> str:
        """``text`` translated, with ``params`` filled in."""
        entry = self.catalog.get(text)
        translated = entry if isinstance(entry, str) and entry else text
        return self._format(translated, params, text)

    def ngettext(self, singular: str, plural: str, n: int, /, **params: Any) -> str:
        """The form of ``singular``/``plural`` for ``n`` (passed as ``{n}`` too)."""
        params = {"n": n, **params}
        entry = self.catalog.get(singular)
        if isinstance(entry, Mapping):
            form = entry.get(_plural_rule(self.language)(abs(n))) or entry.get("other")
            if form:
                return self._format(form, params, singular if n == 1 else plural)
        english = singular if n == 1 else plural
        return self._format(english, params, english)

    def schema(self, schema: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of a JSON Schema with its ``title`` and ``description`` texts translated."""
        return _translate_schema(schema, self)  # type: ignore[no-any-return]


def _translate_schema(node: Any, t: Translator) -> Any:
    if isinstance(node, Mapping):
        out: dict[str, Any] = {}
        for key, value in node.items():
            if key in ("title", "description") and isinstance(value, str):
                out[key] = t.gettext(value)
            elif key in ("properties", "$defs", "definitions") and isinstance(value, Mapping):
                # Names of fields and definitions, not texts: only their schemas change.
                out[key] = {name: _translate_schema(sub, t) for name, sub in value.items()}
            else:
                out[key] = _translate_schema(value, t)
        return out
    if isinstance(node, list):
        return [_translate_schema(item, t) for item in node]
    return node


ENGLISH = Translator()
"""The translator of a type without catalogs, and of English."""


def translator_for(directory: Path | None, language: str) -> Translator:
    """The translator of a type whose catalogs are in ``directory`` (None: English)."""
    if directory is None:
        return ENGLISH if language == DEFAULT_LANGUAGE else Translator(language)
    return Translator(language, load_catalog(Path(directory), language))


class Message(str):
    """An error text that can be translated: English as a ``str``, plus its message id and
    parameters, so the host can say it in the caller's language.

    ``raise AnswerRejected(self.message("Rate from 1 to {max}", max=5))`` gives the English
    ``detail`` "Rate from 1 to 5" and, for a caller reading Spanish, a ``message`` from the
    type's Spanish catalog.
    """

    template: str
    params: dict[str, Any]
    domain: str | None

    def __new__(cls, template: str, domain: str | None = None, /, **params: Any) -> Message:
        english = ENGLISH.gettext(template, **params)
        obj = super().__new__(cls, english)
        obj.template = template
        obj.params = params
        obj.domain = domain
        return obj

    def translated(self, t: Translator) -> str:
        """This message in ``t``'s language."""
        return t.gettext(self.template, **self.params)


_CALLS = ("gettext", "ngettext", "message", "Message")
_CLASS_NAME = re.compile(r"[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]*)+")


def _schema_texts(node: Any, out: dict[str, bool]) -> None:
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key in ("title", "description") and isinstance(value, str) and value:
                # A model's class name ("PollConfig") is a title for developers, not a text.
                if not (key == "title" and _CLASS_NAME.fullmatch(value)):
                    out.setdefault(value, False)
            elif key in ("properties", "$defs", "definitions") and isinstance(value, Mapping):
                for sub in value.values():
                    _schema_texts(sub, out)
            else:
                _schema_texts(value, out)
    elif isinstance(node, list):
        for item in node:
            _schema_texts(item, out)


def source_message_ids(paths: Iterable[Path]) -> dict[str, bool]:
    """The literal texts passed to ``gettext``/``ngettext``/``message``/``Message`` in these
    Python files, each with whether it takes plural forms (``ngettext``'s singular)."""
    found: dict[str, bool] = {}
    for path in paths:
        for node in ast.walk(ast.parse(Path(path).read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if name in _CALLS and isinstance(first, ast.Constant) and isinstance(first.value, str):
                found[first.value] = found.get(first.value, False) or name == "ngettext"
    return found


def message_ids(activity_type: Any, sources: Iterable[Path] = ()) -> dict[str, bool]:
    """Every text of an activity type a complete catalog translates, each with whether it
    takes plural forms: its title, description and action titles, its schemas' titles and
    descriptions, and the literal texts its ``sources`` (the package's ``.py`` files) pass
    to the translator."""
    ids: dict[str, bool] = dict.fromkeys(
        [activity_type.title, *activity_type.action_titles.values()], False
    )
    if activity_type.description:
        ids[activity_type.description] = False
    for name in activity_type.actions:
        ids.setdefault(activity_type.action_titles.get(name, name), False)
    _schema_texts(activity_type.config_schema(), ids)
    _schema_texts(activity_type.answer_schema(), ids)
    for model in activity_type.actions.values():
        _schema_texts(model.model_json_schema(), ids)
    return {**ids, **source_message_ids(sources)}


def plural_categories(language: str) -> set[str]:
    """The CLDR plural categories a language's plural entries need (``one``, ``other``...)."""
    return set(Locale.parse(language).plural_form.tags) | {"other"}

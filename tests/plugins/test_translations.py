"""The built-in activity types ship complete catalogs, and the host says their texts in
the requested language: type titles, schema texts, action titles, display-block labels and
error messages, falling back to English.

A new built-in type fails here until it has ``locales/<language>.json`` for every language
the host ships: copy a built-in's ``locales/`` folder and translate what
:func:`caja_core.i18n.message_ids` lists.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from caja_core import ActivityType, ViewContext
from caja_core.i18n import (
    LANGUAGES,
    Message,
    Translator,
    load_catalog,
    message_ids,
    negotiate,
    parse_accept_language,
    plural_categories,
)
from caja_core.plugins import PluginHost
from caja_core.testing import ActivityHarness

TRANSLATED = [language for language in LANGUAGES if language != "en"]


def _builtins() -> list[ActivityType[Any, Any]]:
    host = PluginHost(strict=True)
    host.load_entry_points()
    return [t for t, _ in host.activity_types() if type(t).__module__.startswith("caja_plugins.")]


BUILTINS = {t.name: t for t in _builtins()}


def _sources(activity_type: ActivityType[Any, Any]) -> list[Path]:
    package = Path(sys.modules[type(activity_type).__module__].__file__ or "").parent
    return sorted(package.glob("*.py"))


def _placeholders(text: str) -> list[str]:
    return sorted(set(re.findall(r"\{(\w+)\}", text)))


def test_the_four_built_ins_are_checked() -> None:
    assert {"poll", "poker", "quiz", "wordcloud"} <= set(BUILTINS)


@pytest.mark.parametrize("language", TRANSLATED)
@pytest.mark.parametrize("name", sorted(BUILTINS))
def test_catalog_is_complete(name: str, language: str) -> None:
    activity_type = BUILTINS[name]
    assert activity_type.messages is not None, f"{name} sets no `messages` folder"
    path = Path(activity_type.messages) / f"{language}.json"
    assert path.is_file(), f"{name} has no {path}: copy a built-in's locales/ and translate it"
    catalog = load_catalog(Path(activity_type.messages), language)
    wanted = message_ids(activity_type, _sources(activity_type))
    missing = sorted(set(wanted) - set(catalog))
    stale = sorted(set(catalog) - set(wanted))
    assert (missing, stale) == ([], []), f"{path}: missing {missing}, no longer used {stale}"
    wrong = []
    for text, plural in wanted.items():
        entry = catalog[text]
        if plural:
            forms = set(entry) if isinstance(entry, dict) else set()
            if forms != plural_categories(language):
                wrong.append(f"{text!r}: forms {sorted(forms)}")
                continue
            # A plural form may leave the number out ("one option"), not other names.
            expected = [p for p in _placeholders(text) if p != "n"]
            for form in entry.values():
                if [p for p in _placeholders(form) if p != "n"] != expected:
                    wrong.append(f"{text!r}: {form!r}")
        elif not isinstance(entry, str) or not entry.strip():
            wrong.append(f"{text!r}: not a text")
        elif _placeholders(entry) != _placeholders(text):
            wrong.append(f"{text!r}: {entry!r} changes the placeholders")
    assert wrong == []


def test_negotiation_order() -> None:
    assert negotiate() == "en"
    assert negotiate(accept_language="es-MX,es;q=0.9,en;q=0.5") == "es"
    assert negotiate(accept_language="pt-BR, de;q=0.7, fr;q=0.8") == "fr"
    assert negotiate(accept_language="de;q=0, fr;q=0.1") == "fr"
    assert negotiate(accept_language="de", session_language="ar") == "ar"
    assert negotiate("fr", "de", session_language="ar") == "fr"
    assert negotiate("xx", "zz;q=1") == "en"
    assert parse_accept_language("a;q=bad, b") == ["b"]


def test_translator_falls_back_to_english_and_formats_numbers() -> None:
    t = Translator(
        "de", {"Average": "Durchschnitt", "{n} vote": {"one": "eine", "other": "{n} Stimmen"}}
    )
    assert t.gettext("Average") == "Durchschnitt"
    assert t.gettext("Median") == "Median"
    assert t.ngettext("{n} vote", "{n} votes", 1) == "eine"
    assert t.ngettext("{n} vote", "{n} votes", 1234) == "1.234 Stimmen"
    # A translation whose placeholder English lacks shows English rather than failing.
    broken = Translator("es", {"Rate {max}": "Valora {maximo}"})
    assert broken.gettext("Rate {max}", max=5) == "Rate 5"


def test_arabic_plural_forms_follow_cldr() -> None:
    poker = BUILTINS["poker"].translator("ar")
    forms = {n: poker.ngettext("{n} vote", "{n} votes", n) for n in (0, 1, 2, 3, 11, 100)}
    assert len(set(forms.values())) == 6, forms


def test_view_labels_and_errors_in_the_viewers_language() -> None:
    h = ActivityHarness(BUILTINS["poker"], {"items": [{"title": "Login"}]})
    h.join("ann")
    h.activate()
    h.answer("ann", {"card": "5"})  # everyone connected voted: the cards flip
    poker = BUILTINS["poker"]
    view = poker.view(
        h.config,
        h.state,
        h.results(),
        ViewContext("presenter", h.now, "active", translator=poker.translator("es")),
    )
    labels = [s.label for block in view.display if block.kind == "stats" for s in block.stats]
    assert "Media" in labels and "Mediana" in labels
    with pytest.raises(Exception) as refused:
        h.answer("ann", {"card": "7"})
    detail = refused.value.args[0]
    assert isinstance(detail, Message) and detail.domain == "poker"
    assert str(detail) == "The cards are already on the table; wait for the next round"
    assert detail.translated(poker.translator("fr")).startswith("Les cartes sont déjà")

"""Caja's framework: the domain, its rules, storage and the plugin contract.

The public API a plugin may use is what this module exports (plus
:mod:`caja_core.display` and :mod:`caja_core.testing`).
"""

from caja_core import ui
from caja_core.activity import (
    ActionContext,
    ActionOutcome,
    ActivityType,
    ActivityView,
    AggregateContext,
    AnswerContext,
    EmptyBody,
    ItemContext,
    ItemRules,
    PersonalContext,
    PersonalView,
    Role,
    StoredAnswer,
    StoredItem,
    StrictModel,
    ViewContext,
)
from caja_core.errors import ActionRejected, AnswerRejected, ConfigInvalid
from caja_core.hookspecs import hookimpl
from caja_core.i18n import Message, Translator

__all__ = [
    "ActionContext",
    "ActionOutcome",
    "ActionRejected",
    "ActivityType",
    "ActivityView",
    "AggregateContext",
    "AnswerContext",
    "AnswerRejected",
    "ConfigInvalid",
    "EmptyBody",
    "ItemContext",
    "ItemRules",
    "Message",
    "PersonalContext",
    "PersonalView",
    "Role",
    "StoredAnswer",
    "StoredItem",
    "StrictModel",
    "Translator",
    "ViewContext",
    "hookimpl",
    "ui",
]

__version__ = "0.1.0"

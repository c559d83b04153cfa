"""Session definitions as files: JSON or YAML text in, plain data out, and back.

YAML is read with PyYAML's safe loader only, without anchors and aliases (their expansion is
how a small file becomes a huge document), and both formats are size-limited. A file that
can't be read is a :class:`~caja_core.definitions.DefinitionInvalid` that says where.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml

from caja_core.definitions import DefinitionInvalid

FileFormat = Literal["json", "yaml"]
MAX_DEFINITION_BYTES = 1024 * 1024
YAML_MEDIA_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")


def format_for_path(path: Path | str) -> FileFormat:
    """``.json`` -> json; ``.yaml``/``.yml`` (and anything else) -> yaml."""
    return "json" if str(path).lower().endswith(".json") else "yaml"


def format_for_media_type(content_type: str | None) -> FileFormat | None:
    """The format of a request body by its ``Content-Type``; None for neither."""
    media_type = (content_type or "").split(";")[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return "json"
    if media_type in YAML_MEDIA_TYPES:
        return "yaml"
    return None


def _invalid(message: str, kind: str) -> DefinitionInvalid:
    return DefinitionInvalid(message, [{"loc": [], "msg": message, "type": kind}])


def parse_definition_text(text: str | bytes, file_format: FileFormat) -> Any:
    """Parse a definition file's text (JSON, or YAML, which also reads JSON)."""
    if len(text) > MAX_DEFINITION_BYTES:
        raise _invalid(f"The file is larger than {MAX_DEFINITION_BYTES} bytes", "too_large")
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise _invalid("The file is not UTF-8 text", "encoding") from None
    if "\x00" in text:
        raise _invalid("The file contains NUL characters", "encoding")
    if file_format == "json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise _invalid(
                f"Not valid JSON: line {exc.lineno}, column {exc.colno}: {exc.msg}", "json_invalid"
            ) from None
        except RecursionError:
            raise _invalid("Not valid JSON: nested too deeply", "json_invalid") from None
    return _parse_yaml(text)


def _parse_yaml(text: str) -> Any:
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                mark = event.start_mark
                where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
                raise _invalid(
                    f"Not supported in a session definition: a YAML alias ({where}); "
                    "write the value out instead",
                    "yaml_alias",
                )
        return yaml.safe_load(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise _invalid(f"Not valid YAML: {where}{exc.problem or exc}", "yaml_invalid") from None
    except yaml.YAMLError as exc:
        raise _invalid(f"Not valid YAML: {exc}", "yaml_invalid") from None
    except RecursionError:
        raise _invalid("Not valid YAML: nested too deeply", "yaml_invalid") from None


def dump_definition(data: dict[str, Any], file_format: FileFormat) -> str:
    """A definition as JSON (indented) or YAML (block style, keys in the format's order)."""
    if file_format == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    text: str = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
    return text

"""Load the Terraform under ``infrastructure/`` with python-hcl2 for the infra tests.

Every ``.tf`` file is parsed (so a syntax error anywhere fails the suite); blocks are flattened
into plain dicts that the tests query: ``resources(dir, type)`` gives ``{name: body}`` for one
resource type in one directory (module or environment), and so on.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import hcl2

ROOT = Path(__file__).resolve().parents[2]
INFRA = ROOT / "infrastructure"
MODULES = INFRA / "modules"
ENVIRONMENTS = INFRA / "environments"

_OPTIONS = hcl2.SerializationOptions(
    strip_string_quotes=True, explicit_blocks=False, with_comments=False
)


def tf_files() -> list[Path]:
    """Every Terraform file under infrastructure/, sorted, ignoring .terraform caches."""
    return sorted(p for p in INFRA.rglob("*.tf") if ".terraform" not in p.parts)


@cache
def parse_file(path: Path) -> dict[str, Any]:
    """One file parsed by python-hcl2 (raises on a syntax error)."""
    with path.open(encoding="utf-8") as f:
        return hcl2.load(f, serialization_options=_OPTIONS)  # type: ignore[no-any-return]


@cache
def parse_dir(directory: Path) -> dict[str, list[dict[str, Any]]]:
    """All top-level blocks of a directory's .tf files, by block kind (resource, variable...)."""
    merged: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(directory.glob("*.tf")):
        for kind, blocks in parse_file(path).items():
            merged.setdefault(kind, []).extend(blocks)
    return merged


def _labelled(directory: Path, kind: str, type_: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for block in parse_dir(directory).get(kind, []):
        for name, body in block.get(type_, {}).items():
            found[name] = body
    return found


def resources(directory: Path, type_: str) -> dict[str, dict[str, Any]]:
    """``{name: body}`` of the resources of one type declared in a directory."""
    return _labelled(directory, "resource", type_)


def resource(directory: Path, type_: str, name: str) -> dict[str, Any]:
    """One resource's body; KeyError with a clear message when it is missing."""
    found = resources(directory, type_)
    if name not in found:
        raise KeyError(f"{type_}.{name} not declared in {directory.relative_to(ROOT)}")
    return found[name]


def data_sources(directory: Path, type_: str) -> dict[str, dict[str, Any]]:
    """``{name: body}`` of the data sources of one type declared in a directory."""
    return _labelled(directory, "data", type_)


def named_blocks(directory: Path, kind: str) -> dict[str, dict[str, Any]]:
    """``{name: body}`` for single-label blocks: variable, output, module."""
    found: dict[str, dict[str, Any]] = {}
    for block in parse_dir(directory).get(kind, []):
        found.update(block)
    return found


def module_call(directory: Path, name: str) -> dict[str, Any]:
    """The arguments of ``module "<name>"`` in a directory."""
    return named_blocks(directory, "module")[name]


def only(blocks: Any) -> dict[str, Any]:
    """The single nested block (hcl2 gives nested blocks as lists)."""
    assert isinstance(blocks, list), f"expected a block list, got {blocks!r}"
    assert len(blocks) == 1, f"expected exactly one block, got {len(blocks)}"
    block = blocks[0]
    assert isinstance(block, dict)
    return block


def ref(expression: str) -> str:
    """``"${module.x.y}"`` -> ``"module.x.y"``; anything else unchanged."""
    match = re.fullmatch(r"\$\{(.*)\}", expression.strip()) if isinstance(expression, str) else None
    return match.group(1) if match else expression


def variable_default(directory: Path, name: str) -> Any:
    """The default of a variable declared in a directory."""
    return named_blocks(directory, "variable")[name]["default"]

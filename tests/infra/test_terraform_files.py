"""Every .tf file parses, the layout is the agreed one, and the code carries its documentation."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .tfconfig import (
    ENVIRONMENTS,
    INFRA,
    MODULES,
    ROOT,
    named_blocks,
    parse_dir,
    parse_file,
    tf_files,
)

ALL_DIRS = sorted({p.parent for p in tf_files()})
SKIP_COMMENT = re.compile(r"checkov:skip=([^\s]*)")
SKIP_WITH_REASON = re.compile(r"checkov:skip=CKV2?_[A-Z0-9]+_\d+:\S.{19,}")


def test_the_layout_is_modules_environments_and_shared() -> None:
    assert (INFRA / "shared" / "main.tf").is_file()
    assert {p.name for p in ENVIRONMENTS.iterdir() if p.is_dir()} >= {"staging", "production"}
    expected_modules = {
        "network",
        "database",
        "service",
        "load_balancer",
        "static_assets",
        "security_groups",
        "stack",
    }
    assert expected_modules <= {p.name for p in MODULES.iterdir() if p.is_dir()}


@pytest.mark.parametrize("path", tf_files(), ids=lambda p: str(p.relative_to(INFRA)))
def test_every_tf_file_parses(path: Path) -> None:
    parsed = parse_file(path)
    assert parsed, f"{path} parsed to nothing"


@pytest.mark.parametrize(
    "path", sorted(INFRA.rglob("*.tftest.hcl")), ids=lambda p: str(p.relative_to(INFRA))
)
def test_every_terraform_test_file_parses(path: Path) -> None:
    parsed = parse_file(path)
    assert parsed["run"], f"{path} has no run block"


def test_there_are_enough_files_to_be_the_real_thing() -> None:
    assert len(tf_files()) >= 30


@pytest.mark.parametrize("directory", ALL_DIRS, ids=lambda p: str(p.relative_to(INFRA)))
def test_every_variable_and_output_is_described(directory: Path) -> None:
    for kind in ("variable", "output"):
        for name, body in named_blocks(directory, kind).items():
            description = body.get("description", "")
            assert len(description) >= 10, f"{kind} {name} in {directory} needs a description"


def test_user_facing_inputs_are_validated() -> None:
    validated = {
        MODULES / "database": ["instance_class", "backup_retention_days", "engine_version"],
        MODULES / "service": ["image", "public_url", "trusted_proxy_cidrs", "cpu"],
        MODULES / "load_balancer": ["certificate_arn", "idle_timeout_seconds", "ssl_policy"],
        MODULES / "static_assets": ["certificate_arn", "domain_name"],
        MODULES / "stack": ["environment", "public_hostname", "force_destroy_buckets"],
        MODULES / "network": ["cidr_block", "az_count"],
    }
    for directory, names in validated.items():
        variables = named_blocks(directory, "variable")
        for name in names:
            assert variables[name].get("validation"), f"{directory.name}.{name} has no validation"


@pytest.mark.parametrize("directory", ALL_DIRS, ids=lambda p: str(p.relative_to(INFRA)))
def test_every_configuration_pins_terraform_and_providers(directory: Path) -> None:
    terraform_blocks = parse_dir(directory).get("terraform", [])
    assert terraform_blocks, f"{directory} has no terraform block"
    settings = terraform_blocks[0]
    assert settings["required_version"].startswith(">=")
    providers = settings["required_providers"][0]
    assert "aws" in providers
    for provider in providers.values():
        assert provider["version"], f"unpinned provider in {directory}"


def test_every_checkov_skip_carries_its_reason() -> None:
    skips = 0
    for path in tf_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "checkov:skip" not in line:
                continue
            skips += 1
            where = f"{path.relative_to(ROOT)}:{number}"
            assert SKIP_WITH_REASON.search(line), f"{where}: skip without a reason: {line.strip()}"
    assert skips > 0  # the scan above really looked at the files


def test_the_skip_pattern_rejects_a_bare_skip() -> None:
    assert not SKIP_WITH_REASON.search("#checkov:skip=CKV_AWS_18")
    assert not SKIP_WITH_REASON.search("#checkov:skip=CKV_AWS_18:because")
    assert SKIP_WITH_REASON.search("#checkov:skip=CKV2_AWS_5:attached through module outputs")
    assert SKIP_COMMENT.search("#checkov:skip=CKV_AWS_18")

"""docs/deploy.md covers what the issue asks, and names outputs that really exist."""

from __future__ import annotations

import re

from .tfconfig import ENVIRONMENTS, INFRA, MODULES, ROOT, named_blocks, resources

DEPLOY = ROOT / "docs" / "deploy.md"


def headings() -> list[str]:
    text = DEPLOY.read_text(encoding="utf-8")
    return [line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")]


def test_the_guide_has_every_part() -> None:
    found = headings()
    for heading in (
        "From an AWS account to a running Caja",
        "Scaling for an event",
        "Backup and restore",
        "Runbook",
        "`/readyz` failing, targets unhealthy",
        "Database failover",
        "A bad deploy was rolled back",
        "5xx spike",
        "Running out of connections",
    ):
        assert heading in found, f"docs/deploy.md lacks the section {heading!r}"


def test_every_terraform_output_the_guide_uses_exists() -> None:
    text = DEPLOY.read_text(encoding="utf-8")
    used = set(re.findall(r"terraform output -raw (\w+)", text))
    used |= set(re.findall(r"outputs? `(\w+)`", text))
    assert used, "the guide names no outputs"
    outputs = set(named_blocks(ENVIRONMENTS / "production", "output"))
    outputs |= set(named_blocks(INFRA / "shared", "output"))
    assert used <= outputs, f"outputs named in docs/deploy.md but not declared: {used - outputs}"


def test_every_alarm_points_at_a_runbook_section_that_exists() -> None:
    alarms = resources(MODULES / "monitoring", "aws_cloudwatch_metric_alarm")
    assert len(alarms) >= 6
    found = [heading.replace("`", "") for heading in headings()]
    referenced = 0
    for name, alarm in alarms.items():
        assert alarm["alarm_actions"], f"alarm {name} notifies nobody"
        for section in re.findall(r'Runbook: "([^"]+)"', alarm["alarm_description"]):
            referenced += 1
            assert section in found, f"alarm {name} names a missing runbook section {section!r}"
    assert referenced >= 4

"""Migrations run once per release as a one-off ECS task before the new task set starts, and
a failed one stops the release: the Terraform wiring, and run-migrations.sh against a stand-in
for the AWS CLI (the only part of AWS this machine can't reach)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from .tfconfig import MODULES, resource

SERVICE = MODULES / "service"
SCRIPT = SERVICE / "run-migrations.sh"


def test_the_service_waits_for_the_migrations_of_its_image() -> None:
    service = resource(SERVICE, "aws_ecs_service", "app")
    assert "${terraform_data.migrations}" in service["depends_on"]
    migrations = resource(SERVICE, "terraform_data", "migrations")
    assert migrations["triggers_replace"] == ["${aws_ecs_task_definition.migrate.arn}"]
    exec_ = migrations["provisioner"][0]["local-exec"]
    assert "run-migrations.sh" in exec_["command"]
    assert exec_["environment"]["TASK_DEFINITION"] == "${aws_ecs_task_definition.migrate.arn}"


def test_only_the_migration_task_migrates() -> None:
    migrate = resource(SERVICE, "aws_ecs_task_definition", "migrate")["container_definitions"]
    assert '"caja-server", "migrate"' in migrate
    app = resource(SERVICE, "aws_ecs_task_definition", "app")["container_definitions"]
    assert "command" in app and "migrate" not in app  # the image's CMD would migrate at boot
    assert "local.container_common" in migrate and "local.container_common" in app


AWS = """#!/usr/bin/env bash
# A stand-in for `aws ecs ...`: records each call, answers from the scenario.
echo "$*" >> "$CALLS"
case "$4" in
  run-task) echo "${RUN_TASK_ARN-arn:aws:ecs:eu-central-1:1:task/caja/abc}" ;;
  describe-tasks)
    n=$(grep -c describe-tasks "$CALLS")
    if [ "$n" -lt 2 ]; then printf 'RUNNING\\tNone\\tNone\\n'
    else printf 'STOPPED\\t%s\\t%s\\n' "$EXIT_CODE" "Essential container in task exited"; fi ;;
  stop-task) echo '{}' ;;
esac
"""


def run(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "aws").write_text(AWS)
    (bin_dir / "aws").chmod(0o755)
    calls = tmp_path / "calls"
    calls.write_text("")
    settings = {
        "AWS_REGION": "eu-central-1",
        "CLUSTER": "caja",
        "TASK_DEFINITION": "arn:aws:ecs:eu-central-1:1:task-definition/caja-migrate:7",
        "SUBNETS": "subnet-a,subnet-b",
        "SECURITY_GROUPS": "sg-1",
        "LOG_GROUP": "/caja/caja/app",
        "MIGRATION_POLL_SECONDS": "0",
        "EXIT_CODE": "0",
        "CALLS": str(calls),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        **env,
    }
    done = subprocess.run(
        ["bash", str(SCRIPT)], env=settings, capture_output=True, text=True, timeout=60
    )
    return done, calls.read_text().splitlines()


def test_a_migration_that_succeeds_lets_the_release_go_on(tmp_path: Path) -> None:
    done, calls = run(tmp_path)
    assert done.returncode == 0, done.stderr
    assert "migrations: done" in done.stdout
    run_task = calls[0]
    assert "run-task --cluster caja --launch-type FARGATE --count 1" in run_task
    assert "caja-migrate:7" in run_task
    assert "subnets=[subnet-a,subnet-b],securityGroups=[sg-1],assignPublicIp=DISABLED" in run_task
    assert sum("describe-tasks" in c for c in calls) == 2  # it waited while the task ran


@pytest.mark.parametrize("code", ["1", "None"])
def test_a_failed_migration_stops_the_release(tmp_path: Path, code: str) -> None:
    done, _ = run(tmp_path, EXIT_CODE=code)
    assert done.returncode == 1
    assert f"migrations FAILED (exit code {code}" in done.stderr
    assert "--log-stream-name-prefix migrate" in done.stderr


def test_a_task_that_never_starts_stops_the_release(tmp_path: Path) -> None:
    done, calls = run(tmp_path, RUN_TASK_ARN="None")
    assert done.returncode == 1 and "did not start" in done.stderr
    assert not any("describe-tasks" in c for c in calls)


def test_a_migration_past_its_time_is_stopped(tmp_path: Path) -> None:
    done, calls = run(tmp_path, MIGRATION_TIMEOUT_SECONDS="0")
    assert done.returncode == 1 and "stopped. The release stops here" in done.stderr
    assert any("stop-task" in c for c in calls)

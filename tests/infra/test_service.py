"""ECS Fargate service and its load balancer: /readyz, TLS, rollback, autoscaling, settings."""

from __future__ import annotations

import re
from typing import Any

from .tfconfig import (
    MODULES,
    data_sources,
    module_call,
    named_blocks,
    only,
    parse_dir,
    ref,
    resource,
    resources,
    variable_default,
)

SERVICE = MODULES / "service"
LOAD_BALANCER = MODULES / "load_balancer"
STACK = MODULES / "stack"


def container_definitions() -> str:
    task = resource(SERVICE, "aws_ecs_task_definition", "app")
    text = task["container_definitions"]
    assert isinstance(text, str)
    assert text.startswith("${jsonencode(")
    return text


def container_common() -> dict[str, Any]:
    """What the app's and the migration task's containers share (main.tf's locals)."""
    common: dict[str, Any] = parse_dir(SERVICE)["locals"][0]["container_common"]
    return common


def test_the_load_balancer_checks_readyz() -> None:
    health = only(resource(LOAD_BALANCER, "aws_lb_target_group", "app")["health_check"])
    assert ref(health["path"]) == "var.health_check_path"
    assert variable_default(LOAD_BALANCER, "health_check_path") == "/readyz"
    assert module_call(STACK, "load_balancer")["health_check_path"] == "/readyz"
    assert health["matcher"] == "200"
    assert health["enabled"] is True


def test_the_container_checks_healthz() -> None:
    text = container_definitions()
    health = re.search(r"healthCheck = \{command = \[(.*?)\]", text)
    assert health, "no container healthCheck"
    assert "/healthz" in health.group(1)


def test_https_listener_with_the_certificate_and_a_tls13_policy() -> None:
    https = resource(LOAD_BALANCER, "aws_lb_listener", "https")
    assert https["protocol"] == "HTTPS"
    assert https["port"] == 443
    assert ref(https["certificate_arn"]) == "var.certificate_arn"
    assert variable_default(LOAD_BALANCER, "ssl_policy").startswith("ELBSecurityPolicy-TLS13-")
    # Traffic goes through the production rule (blue/green); the default only says "no route".
    assert only(https["default_action"])["type"] == "fixed-response"
    test = resource(LOAD_BALANCER, "aws_lb_listener", "test")
    assert test["protocol"] == "HTTPS"
    assert ref(test["certificate_arn"]) == "var.certificate_arn"
    assert ref(test["ssl_policy"]) == "var.ssl_policy"


def test_plain_http_only_redirects_to_https() -> None:
    http = resource(LOAD_BALANCER, "aws_lb_listener", "http_redirect")
    assert http["port"] == 80
    action = only(http["default_action"])
    assert action["type"] == "redirect"
    redirect = only(action["redirect"])
    assert redirect["protocol"] == "HTTPS"
    assert redirect["status_code"] == "HTTP_301"
    # No other listener exists that could forward plain HTTP.
    assert set(resources(LOAD_BALANCER, "aws_lb_listener")) == {"https", "http_redirect", "test"}


def test_the_load_balancer_is_logged_firewalled_and_strict() -> None:
    lb = resource(LOAD_BALANCER, "aws_lb", "this")
    assert lb["internal"] is False
    assert lb["drop_invalid_header_fields"] is True
    assert only(lb["access_logs"])["enabled"] is True
    assert ref(lb["subnets"]) == "var.public_subnet_ids"
    association = resource(LOAD_BALANCER, "aws_wafv2_web_acl_association", "this")
    assert ref(association["resource_arn"]) == "aws_lb.this.arn"
    assert module_call(STACK, "load_balancer")["public_subnet_ids"] == (
        "${module.network.public_subnet_ids}"
    )


def test_deployments_roll_back_by_themselves() -> None:
    service = resource(SERVICE, "aws_ecs_service", "app")
    breaker = only(service["deployment_circuit_breaker"])
    assert breaker == {"enable": True, "rollback": True}
    assert service["deployment_minimum_healthy_percent"] == 100
    assert service["launch_type"] == "FARGATE"
    assert service["health_check_grace_period_seconds"] > 0


def forward_weights(rule: dict[str, Any]) -> dict[str, int]:
    forward = only(only(rule["action"])["forward"])
    return {ref(str(g["arn"])): g["weight"] for g in forward["target_group"]}


def test_deployments_are_ecs_native_blue_green() -> None:
    service = resource(SERVICE, "aws_ecs_service", "app")
    assert only(service["deployment_controller"])["type"] == "ECS"  # no CodeDeploy
    config = only(service["deployment_configuration"])
    assert config["strategy"] == "BLUE_GREEN"
    assert ref(config["bake_time_in_minutes"]) == "var.bake_time_minutes"
    assert variable_default(SERVICE, "bake_time_minutes") == 10
    advanced = only(only(service["load_balancer"])["advanced_configuration"])
    assert ref(advanced["alternate_target_group_arn"]) == "var.alternate_target_group_arn"
    assert ref(advanced["production_listener_rule"]) == "var.production_listener_rule_arn"
    assert ref(advanced["test_listener_rule"]) == "var.test_listener_rule_arn"
    assert ref(advanced["role_arn"]) == "aws_iam_role.load_balancer.arn"
    # The deployment alarms roll back a release that is healthy but wrong, during the bake.
    alarms = only(service["dynamic"])["alarms"]
    assert only(alarms["content"])["rollback"] is True
    assert module_call(STACK, "service")["deployment_alarm_names"] == (
        "${module.monitoring.deployment_alarm_names}"
    )


def test_blue_green_has_two_target_groups_and_the_rules_ecs_moves() -> None:
    groups = resources(LOAD_BALANCER, "aws_lb_target_group")
    assert set(groups) == {"app", "alternate"}
    assert groups["app"]["health_check"] == groups["alternate"]["health_check"]
    production = resource(LOAD_BALANCER, "aws_lb_listener_rule", "production")
    assert ref(production["listener_arn"]) == "aws_lb_listener.https.arn"
    assert forward_weights(production) == {
        "aws_lb_target_group.app.arn": 100,
        "aws_lb_target_group.alternate.arn": 0,
    }
    test = resource(LOAD_BALANCER, "aws_lb_listener_rule", "test")
    assert ref(test["listener_arn"]) == "aws_lb_listener.test.arn"
    assert forward_weights(test) == {
        "aws_lb_target_group.app.arn": 0,
        "aws_lb_target_group.alternate.arn": 100,
    }
    # ECS owns the weights after the first deployment: an apply must not move traffic back.
    for rule in (production, test):
        assert only(rule["lifecycle"])["ignore_changes"] == ["${action}"] or only(
            rule["lifecycle"]
        )["ignore_changes"] == ["action"]


def test_ecs_shifts_traffic_with_the_role_made_for_it() -> None:
    role = resource(SERVICE, "aws_iam_role", "load_balancer")
    assert ref(role["assume_role_policy"]) == "data.aws_iam_policy_document.ecs_assume.json"
    trust = only(data_sources(SERVICE, "aws_iam_policy_document")["ecs_assume"]["statement"])
    assert only(trust["principals"])["identifiers"] == ["ecs.amazonaws.com"]
    attached = resource(SERVICE, "aws_iam_role_policy_attachment", "load_balancer")
    assert attached["policy_arn"].endswith(
        ":iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers"
    )


def test_the_aws_provider_is_the_major_version_with_native_blue_green() -> None:
    for versions in sorted(MODULES.parent.rglob("versions.tf")):
        text = versions.read_text(encoding="utf-8")
        assert re.search(r'version\s*=\s*"(>= 6\.6\.0, < 7\.0\.0|~> 6\.6)"', text), versions


def test_tasks_run_in_private_subnets_without_public_ips() -> None:
    network = only(resource(SERVICE, "aws_ecs_service", "app")["network_configuration"])
    assert network["assign_public_ip"] is False
    assert module_call(STACK, "service")["subnet_ids"] == "${module.network.private_subnet_ids}"


def test_autoscaling_tracks_cpu_and_memory() -> None:
    policies = resources(SERVICE, "aws_appautoscaling_policy")
    metrics = set()
    for policy in policies.values():
        assert policy["policy_type"] == "TargetTrackingScaling"
        config = only(policy["target_tracking_scaling_policy_configuration"])
        metrics.add(only(config["predefined_metric_specification"])["predefined_metric_type"])
    assert metrics == {"ECSServiceAverageCPUUtilization", "ECSServiceAverageMemoryUtilization"}
    target = resource(SERVICE, "aws_appautoscaling_target", "app")
    assert target["scalable_dimension"] == "ecs:service:DesiredCount"
    # Autoscaling owns the running count; Terraform must not reset it on every apply.
    lifecycle = only(resource(SERVICE, "aws_ecs_service", "app")["lifecycle"])
    assert "desired_count" in str(lifecycle["ignore_changes"])


def test_the_app_gets_its_settings_and_secrets() -> None:
    text = container_definitions()
    local_env = parse_dir(SERVICE)["locals"][0]["environment"]
    for setting in ('CAJA_ENV = "production"', "CAJA_PUBLIC_URL", "CAJA_DATABASE_URL"):
        assert setting in local_env
    assert "sslmode=require" in local_env
    assert "CAJA_FORWARDED_ALLOW_IPS" in local_env
    # Secrets come from Secrets Manager at task start, never as plain environment values.
    assert container_common()["secrets"] == [
        {"name": "CAJA_SECRET_KEY", "valueFrom": "${aws_secretsmanager_secret.secret_key.arn}"},
        {"name": "PGPASSWORD", "valueFrom": "${var.database_password_secret_arn}:password::"},
    ]
    assert "local.container_common" in text
    assert "CAJA_SECRET_KEY =" not in local_env


def test_forwarded_headers_are_trusted_from_the_load_balancer_subnets_only() -> None:
    call = module_call(STACK, "service")
    assert call["trusted_proxy_cidrs"] == "${module.network.public_subnet_cidrs}"


def test_the_container_runs_read_only_as_a_non_root_user() -> None:
    common = container_common()
    assert common["readonlyRootFilesystem"] is True
    assert common["user"] == "10001:10001"
    assert "local.container_common" in container_definitions()


def test_the_task_role_has_no_permissions() -> None:
    task_role = resource(SERVICE, "aws_iam_role", "task")
    assert "managed_policy_arns" not in task_role
    for kind in ("aws_iam_role_policy", "aws_iam_role_policy_attachment"):
        for policy in resources(SERVICE, kind).values():
            # ECS's own roles: the execution role, and the one it shifts traffic with.
            assert ref(policy["role"]).startswith(
                ("aws_iam_role.execution.", "aws_iam_role.load_balancer.")
            )


def test_the_execution_role_reads_only_the_two_injected_secrets() -> None:
    document = data_sources(SERVICE, "aws_iam_policy_document")["execution_secrets"]
    statements = {s["sid"]: s for s in document["statement"]}
    read = statements["ReadInjectedSecrets"]
    assert read["actions"] == ["secretsmanager:GetSecretValue"]
    assert len(read["resources"]) == 2
    assert "*" not in read["resources"]
    assert statements["DecryptInjectedSecrets"]["resources"] == ["${var.kms_key_arn}"]


def test_both_task_sets_of_a_deployment_fit_in_the_database_connections() -> None:
    environment = str(module_call(STACK, "service")["extra_environment"])
    assert "CAJA_DB_POOL_SIZE" in environment and "var.database_pool_size" in environment
    rule = only(named_blocks(STACK, "variable")["database_max_connections"]["validation"])
    assert "2 * var.max_tasks * (var.database_pool_size + 11)" in rule["condition"]

"""Network tiers and least-privilege security groups."""

from __future__ import annotations

from .tfconfig import MODULES, module_call, only, ref, resource, resources

NETWORK = MODULES / "network"
SECURITY_GROUPS = MODULES / "security_groups"
STACK = MODULES / "stack"


def rules(kind: str, group: str) -> dict[str, dict[str, object]]:
    """The ingress or egress rules attached to one of the module's security groups."""
    return {
        name: body
        for name, body in resources(SECURITY_GROUPS, f"aws_vpc_security_group_{kind}_rule").items()
        if ref(str(body["security_group_id"])) == f"aws_security_group.{group}.id"
    }


def test_security_groups_have_no_inline_rules() -> None:
    # Inline rules would bypass the rule resources checked below.
    for name, group in resources(SECURITY_GROUPS, "aws_security_group").items():
        assert "ingress" not in group, name
        assert "egress" not in group, name


def test_the_database_admits_only_the_tasks_and_sends_nothing() -> None:
    ingress = rules("ingress", "database")
    assert len(ingress) == 1
    (rule,) = ingress.values()
    assert ref(str(rule["referenced_security_group_id"])) == "aws_security_group.tasks.id"
    assert "cidr_ipv4" not in rule
    assert rule["from_port"] == rule["to_port"] == "${var.database_port}"
    assert rules("egress", "database") == {}


def test_the_tasks_admit_only_the_load_balancer() -> None:
    ingress = rules("ingress", "tasks")
    assert len(ingress) == 1
    (rule,) = ingress.values()
    assert ref(str(rule["referenced_security_group_id"])) == "aws_security_group.alb.id"
    assert rule["from_port"] == rule["to_port"] == "${var.app_port}"
    egress_ports = {(r["from_port"], r["to_port"]) for r in rules("egress", "tasks").values()}
    assert egress_ports == {("${var.database_port}", "${var.database_port}"), (443, 443)}


def test_only_the_load_balancer_is_open_to_the_internet_on_80_and_443() -> None:
    def open_to_all(kind: str) -> list[dict[str, object]]:
        found = resources(SECURITY_GROUPS, f"aws_vpc_security_group_{kind}_rule").values()
        return [rule for rule in found if "cidr_ipv4" in rule or "cidr_ipv6" in rule]

    open_ingress = open_to_all("ingress")
    assert all(
        ref(str(r["security_group_id"])) == "aws_security_group.alb.id" for r in open_ingress
    )
    # The blue/green test listener is open only to the networks named in test_listener_cidrs
    # (none by default, never 0.0.0.0/0: the stack's validation).
    test_listener = resource(
        SECURITY_GROUPS, "aws_vpc_security_group_ingress_rule", "alb_test_listener"
    )
    assert "var.test_listener_cidrs" in str(test_listener["for_each"])
    assert test_listener["cidr_ipv4"] == "${each.value}"
    everyone = [r for r in open_ingress if r.get("cidr_ipv4") == "0.0.0.0/0"]
    assert sorted((r["from_port"], r["to_port"]) for r in everyone) == [(80, 80), (443, 443)]
    # The only rule to the internet going out: the tasks' HTTPS to AWS APIs (through NAT).
    open_egress = open_to_all("egress")
    assert [(ref(str(r["security_group_id"])), r["from_port"]) for r in open_egress] == [
        ("aws_security_group.tasks.id", 443)
    ]
    for rule in rules("egress", "alb").values():
        assert ref(str(rule["referenced_security_group_id"])) == "aws_security_group.tasks.id"


def test_public_subnets_do_not_hand_out_public_ips() -> None:
    assert resource(NETWORK, "aws_subnet", "public")["map_public_ip_on_launch"] is False


def test_private_subnets_reach_out_through_nat_and_database_subnets_not_at_all() -> None:
    private_route = resource(NETWORK, "aws_route", "private_nat")
    assert "nat_gateway_id" in private_route
    routes = resources(NETWORK, "aws_route")
    for name, route in routes.items():
        assert "database" not in ref(str(route["route_table_id"])), (
            f"route {name} leaves the DB tier"
        )
    assert "route" not in resource(NETWORK, "aws_route_table", "database")


def test_vpc_flow_logs_capture_all_traffic_into_an_encrypted_log_group() -> None:
    flow_log = resource(NETWORK, "aws_flow_log", "this")
    assert flow_log["traffic_type"] == "ALL"
    group = resource(NETWORK, "aws_cloudwatch_log_group", "flow_logs")
    assert ref(group["kms_key_id"]) == "var.kms_key_arn"
    assert group["retention_in_days"] == "${var.log_retention_days}"


def test_every_log_group_is_encrypted_and_has_a_retention() -> None:
    count = 0
    for module in MODULES.iterdir():
        for name, group in resources(module, "aws_cloudwatch_log_group").items():
            count += 1
            assert "kms_key_id" in group, f"{module.name}.{name}"
            assert "retention_in_days" in group, f"{module.name}.{name}"
    assert count >= 5


def test_the_stack_wires_each_tier_to_its_own_security_group() -> None:
    assert module_call(STACK, "load_balancer")["security_group_id"] == (
        "${module.security_groups.alb_security_group_id}"
    )
    assert module_call(STACK, "service")["security_group_id"] == (
        "${module.security_groups.tasks_security_group_id}"
    )
    default_sg = resource(NETWORK, "aws_default_security_group", "this")
    assert "ingress" not in default_sg and "egress" not in default_sg
    assert only([default_sg])  # declared exactly once

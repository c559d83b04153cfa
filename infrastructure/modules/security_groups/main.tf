# Least-privilege security groups, one per tier, each admitting only the tier in front of it:
#   internet --443/80--> alb --app_port--> tasks --5432--> database
# Rules are separate resources so the groups can reference each other without a cycle.

resource "aws_security_group" "alb" {
  #checkov:skip=CKV2_AWS_5:Attached in modules/stack through this module's outputs (load balancer, ECS service, RDS instance); the graph check does not follow module outputs.
  name        = "${var.name}-alb"
  description = "Caja load balancer: HTTPS (and HTTP for the redirect) from the internet"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-alb" }
}

resource "aws_security_group" "tasks" {
  #checkov:skip=CKV2_AWS_5:Attached in modules/stack through this module's outputs (load balancer, ECS service, RDS instance); the graph check does not follow module outputs.
  name        = "${var.name}-tasks"
  description = "Caja ECS tasks: the app port from the load balancer only"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-tasks" }
}

resource "aws_security_group" "database" {
  #checkov:skip=CKV2_AWS_5:Attached in modules/stack through this module's outputs (load balancer, ECS service, RDS instance); the graph check does not follow module outputs.
  name        = "${var.name}-database"
  description = "Caja PostgreSQL: from the ECS tasks only"
  vpc_id      = var.vpc_id

  tags = { Name = "${var.name}-database" }
}

# ---- load balancer ----

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  #checkov:skip=CKV_AWS_260:Port 80 only answers with a redirect to HTTPS (see the load_balancer module's http listener); audiences type the bare domain.
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere, redirected to HTTPS"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
  cidr_ipv4         = "0.0.0.0/0"
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the Caja tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.tasks.id
}

# ---- tasks ----

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "From the load balancer"
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
  referenced_security_group_id = aws_security_group.alb.id
}

resource "aws_vpc_security_group_egress_rule" "tasks_to_database" {
  security_group_id            = aws_security_group.tasks.id
  description                  = "To PostgreSQL"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = aws_security_group.database.id
}

resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.tasks.id
  description       = "HTTPS to AWS APIs (ECR, Secrets Manager, CloudWatch Logs) through NAT"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
}

# ---- database: one ingress rule, no egress rule at all ----

resource "aws_vpc_security_group_ingress_rule" "database_from_tasks" {
  security_group_id            = aws_security_group.database.id
  description                  = "PostgreSQL from the Caja tasks"
  ip_protocol                  = "tcp"
  from_port                    = var.database_port
  to_port                      = var.database_port
  referenced_security_group_id = aws_security_group.tasks.id
}

# The blue/green test listener (modules/load_balancer): only from the given networks (an
# office, a VPN, a CI runner); by default from nowhere outside AWS.
resource "aws_vpc_security_group_ingress_rule" "alb_test_listener" {
  for_each = toset(var.test_listener_cidrs)

  security_group_id = aws_security_group.alb.id
  description       = "Blue/green test listener from ${each.value}"
  ip_protocol       = "tcp"
  from_port         = var.test_listener_port
  to_port           = var.test_listener_port
  cidr_ipv4         = each.value
}

# Caja on ECS Fargate: stateless tasks in private subnets behind the load balancer, checked on
# /readyz by the load balancer and on /healthz by the container health check, deployed
# blue/green by ECS itself (no CodeDeploy) and rolled back automatically when the new task set
# does not become healthy or a deployment alarm goes off during the bake time.

data "aws_region" "current" {}

locals {
  container_name = "caja"

  environment = merge(var.extra_environment, var.static_url == "" ? {} : { CAJA_STATIC_URL = var.static_url }, {
    CAJA_ENV        = "production"
    CAJA_PUBLIC_URL = var.public_url
    # No password in the URL: libpq (under psycopg) reads PGPASSWORD, injected from the secret
    # that RDS manages and rotates, so a rotation needs no Terraform run.
    CAJA_DATABASE_URL        = "postgresql+psycopg://${var.database.username}@${var.database.host}:${var.database.port}/${var.database.name}?sslmode=require"
    CAJA_FORWARDED_ALLOW_IPS = join(",", var.trusted_proxy_cidrs)
  })

  # What the app's tasks and the release's migration task share: the image, settings,
  # secrets, a read-only root filesystem and the logs.
  container_common = {
    image                  = var.image
    readonlyRootFilesystem = true
    user                   = "10001:10001"
    environment            = [for k in sort(keys(local.environment)) : { name = k, value = local.environment[k] }]
    secrets = [
      { name = "CAJA_SECRET_KEY", valueFrom = aws_secretsmanager_secret.secret_key.arn },
      { name = "PGPASSWORD", valueFrom = "${var.database_password_secret_arn}:password::" },
    ]
    mountPoints     = [{ sourceVolume = "tmp", containerPath = "/tmp", readOnly = false }]
    linuxParameters = { initProcessEnabled = true }
    ulimits         = [{ name = "nofile", softLimit = 65536, hardLimit = 65536 }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.app.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "caja"
      }
    }
  }
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/caja/${var.name}/app"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arn
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_ecs_task_definition" "app" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  # The root filesystem is read-only; /tmp is a scratch volume.
  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([merge(local.container_common, {
    name      = local.container_name
    essential = true
    # Serve only: the release's migrations ran before this task set started (below).
    command = [
      "caja-server", "--host", "0.0.0.0", "--port", tostring(var.app_port), "--proxy-headers",
      "--forwarded-allow-ips", local.environment.CAJA_FORWARDED_ALLOW_IPS, "--timeout-keep-alive", "75",
    ]
    stopTimeout = 30
    portMappings = [{
      containerPort = var.app_port
      protocol      = "tcp"
    }]
    healthCheck = {
      command     = ["CMD", "python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:${var.app_port}/healthz', timeout=4)"]
      interval    = 15
      timeout     = 5
      retries     = 3
      startPeriod = 60
    }
  })])
}

# The release's migrations: one one-off task of the new image, run and waited for by
# run-migrations.sh before Terraform touches the service. A failed migration fails the apply,
# so the new task set never starts and blue keeps serving (not every container at boot: two
# task sets starting would otherwise race to migrate, and a failure would only show as
# unhealthy tasks). The task definition changes with the image, so every release runs it once.
resource "aws_ecs_task_definition" "migrate" {
  family                   = "${var.name}-migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  volume {
    name = "tmp"
  }

  container_definitions = jsonencode([merge(local.container_common, {
    name      = "migrate"
    essential = true
    command   = ["caja-server", "migrate"]
    logConfiguration = merge(local.container_common.logConfiguration, {
      options = merge(local.container_common.logConfiguration.options, { awslogs-stream-prefix = "migrate" })
    })
  })])
}

resource "terraform_data" "migrations" {
  triggers_replace = [aws_ecs_task_definition.migrate.arn]

  provisioner "local-exec" {
    command = "bash ${path.module}/run-migrations.sh"
    environment = {
      AWS_REGION      = data.aws_region.current.name
      CLUSTER         = aws_ecs_cluster.this.name
      TASK_DEFINITION = aws_ecs_task_definition.migrate.arn
      SUBNETS         = join(",", var.subnet_ids)
      SECURITY_GROUPS = var.security_group_id
      LOG_GROUP       = aws_cloudwatch_log_group.app.name
    }
  }
}

resource "aws_ecs_service" "app" {
  name                               = var.name
  cluster                            = aws_ecs_cluster.this.id
  task_definition                    = aws_ecs_task_definition.app.arn
  desired_count                      = var.desired_count
  launch_type                        = "FARGATE"
  platform_version                   = "LATEST"
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200
  health_check_grace_period_seconds  = 60
  enable_ecs_managed_tags            = true
  propagate_tags                     = "SERVICE"
  enable_execute_command             = false

  deployment_controller {
    type = "ECS"
  }

  # ECS's native blue/green: the new task set starts next to the old one in the other target
  # group, answers on the test listener, then gets all production traffic at once; the old set
  # keeps running for the bake time, so a rollback is a traffic shift back, not a restart.
  # aws-provider-6:begin (scripts/check-infra.sh strips these lines where only provider 5 is cached)
  deployment_configuration {
    strategy             = "BLUE_GREEN"
    bake_time_in_minutes = var.bake_time_minutes
  }
  # aws-provider-6:end

  # A deployment whose tasks keep failing their health checks is stopped and the service goes
  # back to the last deployment that completed.
  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  # ... and so does one that sets off a deployment alarm (5xx, response time, unhealthy
  # targets) before its bake time is over.
  dynamic "alarms" {
    for_each = length(var.deployment_alarm_names) > 0 ? [1] : []
    content {
      enable      = true
      rollback    = true
      alarm_names = var.deployment_alarm_names
    }
  }

  network_configuration {
    subnets          = var.subnet_ids
    security_groups  = [var.security_group_id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = var.target_group_arn
    container_name   = local.container_name
    container_port   = var.app_port

    # aws-provider-6:begin
    advanced_configuration {
      alternate_target_group_arn = var.alternate_target_group_arn
      production_listener_rule   = var.production_listener_rule_arn
      test_listener_rule         = var.test_listener_rule_arn
      role_arn                   = aws_iam_role.load_balancer.arn
    }
    # aws-provider-6:end
  }

  lifecycle {
    # Autoscaling (and the pre-scaling steps in docs/deploy.md) own the running count.
    ignore_changes = [desired_count]
  }

  # terraform_data.migrations: the new image's migrations have run, and succeeded, before
  # its tasks start.
  depends_on = [
    aws_iam_role_policy.execution_secrets,
    aws_iam_role_policy_attachment.load_balancer,
    terraform_data.migrations,
  ]

  # The target groups must be attached to a listener rule before a service can register in them.
  triggers = {
    listener = var.listener_arn
    rule     = var.production_listener_rule_arn
  }
}

# Alarms for the failures in the runbook of docs/deploy.md, sent to one SNS topic. Each alarm's
# description names the runbook section to open.

locals {
  alb_dimensions = {
    LoadBalancer = var.load_balancer_arn_suffix
  }
  # Blue/green deployments move the tasks between the two target groups, so the alarms look
  # at the load balancer as a whole, or at both groups added up, never at one group.
  target_groups = {
    primary   = var.target_group_arn_suffix
    alternate = var.alternate_target_group_arn_suffix
  }
  db_dimensions = {
    DBInstanceIdentifier = var.database_instance_id
  }
  actions = [aws_sns_topic.alarms.arn]
}

resource "aws_sns_topic" "alarms" {
  name              = "${var.name}-alarms"
  kms_master_key_id = var.kms_key_arn
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.alarms.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "unhealthy_targets" {
  alarm_name          = "${var.name}-healthy-targets-low"
  alarm_description   = "Fewer healthy tasks than the minimum: /readyz failing. Runbook: \"/readyz failing, targets unhealthy\"."
  evaluation_periods  = 3
  threshold           = var.min_healthy_tasks
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  # Healthy tasks in both target groups together (FILL: an empty group reports no data).
  metric_query {
    id          = "healthy"
    expression  = "FILL(primary, 0) + FILL(alternate, 0)"
    label       = "Healthy tasks in both target groups"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = local.target_groups
    content {
      id = metric_query.key
      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = "HealthyHostCount"
        dimensions = {
          LoadBalancer = var.load_balancer_arn_suffix
          TargetGroup  = metric_query.value
        }
        stat   = "Minimum"
        period = 60
      }
    }
  }
}

resource "aws_cloudwatch_metric_alarm" "elb_5xx" {
  alarm_name          = "${var.name}-load-balancer-5xx"
  alarm_description   = "The load balancer itself answers 5xx (502/503/504). Runbook: \"5xx spike\"."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_ELB_5XX_Count"
  dimensions          = local.alb_dimensions
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = 20
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "target_5xx" {
  alarm_name          = "${var.name}-app-5xx"
  alarm_description   = "The app answers 5xx (500 bugs, 503 database unreachable). Runbook: \"5xx spike\"."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "HTTPCode_Target_5XX_Count"
  dimensions          = local.alb_dimensions
  statistic           = "Sum"
  period              = 60
  evaluation_periods  = 3
  datapoints_to_alarm = 2
  threshold           = 20
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "response_time" {
  alarm_name          = "${var.name}-response-time-p95"
  alarm_description   = "95th percentile response time high: tasks or database saturated. Runbook: \"5xx spike\" (504) and \"Scaling for an event\"."
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = local.alb_dimensions
  extended_statistic  = "p95"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 3
  threshold           = var.response_time_p95_seconds
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "database_connections" {
  alarm_name          = "${var.name}-database-connections"
  alarm_description   = "Over 80% of max_connections in use. Runbook: \"Running out of connections\"."
  namespace           = "AWS/RDS"
  metric_name         = "DatabaseConnections"
  dimensions          = local.db_dimensions
  statistic           = "Maximum"
  period              = 60
  evaluation_periods  = 3
  threshold           = floor(var.database_max_connections * 0.8)
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "database_cpu" {
  alarm_name          = "${var.name}-database-cpu"
  alarm_description   = "Database CPU above 80%: raise the instance class before the next event. Runbook: \"Scaling for an event\"."
  namespace           = "AWS/RDS"
  metric_name         = "CPUUtilization"
  dimensions          = local.db_dimensions
  statistic           = "Average"
  period              = 60
  evaluation_periods  = 5
  datapoints_to_alarm = 4
  threshold           = 80
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

resource "aws_cloudwatch_metric_alarm" "database_storage" {
  alarm_name          = "${var.name}-database-storage-low"
  alarm_description   = "Under 10% free storage (autoscaling storage should have grown it: check max_allocated_storage)."
  namespace           = "AWS/RDS"
  metric_name         = "FreeStorageSpace"
  dimensions          = local.db_dimensions
  statistic           = "Minimum"
  period              = 300
  evaluation_periods  = 2
  threshold           = var.database_allocated_storage_gb * 1024 * 1024 * 1024 * 0.1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions
}

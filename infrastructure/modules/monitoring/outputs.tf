output "alarm_topic_arn" {
  description = "SNS topic the alarms publish to (subscribe a pager or chat integration here)."
  value       = aws_sns_topic.alarms.arn
}

output "deployment_alarm_names" {
  description = "The alarms that roll a deployment back when they fire before it completes: the app's and the load balancer's 5xx, the p95 response time and too few healthy tasks."
  value = [
    aws_cloudwatch_metric_alarm.target_5xx.alarm_name,
    aws_cloudwatch_metric_alarm.elb_5xx.alarm_name,
    aws_cloudwatch_metric_alarm.response_time.alarm_name,
    aws_cloudwatch_metric_alarm.unhealthy_targets.alarm_name,
  ]
}

output "alarm_topic_arn" {
  description = "SNS topic the alarms publish to (subscribe a pager or chat integration here)."
  value       = aws_sns_topic.alarms.arn
}

output "dns_name" {
  description = "The load balancer's DNS name: point the public host name at it (alias record or CNAME)."
  value       = aws_lb.this.dns_name
}

output "zone_id" {
  description = "The load balancer's hosted zone id, for a Route 53 alias record."
  value       = aws_lb.this.zone_id
}

output "arn_suffix" {
  description = "The load balancer's ARN suffix (CloudWatch metric dimension)."
  value       = aws_lb.this.arn_suffix
}

output "target_group_arn" {
  description = "The target group the ECS service registers its first task set in (blue/green: the primary)."
  value       = aws_lb_target_group.app.arn
}

output "target_group_arn_suffix" {
  description = "The target group's ARN suffix (CloudWatch metric dimension)."
  value       = aws_lb_target_group.app.arn_suffix
}

output "https_listener_arn" {
  description = "The HTTPS listener (the ECS service depends on it existing)."
  value       = aws_lb_listener.https.arn
}

output "alternate_target_group_arn" {
  description = "The second target group: a blue/green deployment registers its new task set here when the primary serves (and the other way round)."
  value       = aws_lb_target_group.alternate.arn
}

output "alternate_target_group_arn_suffix" {
  description = "The alternate target group's ARN suffix (CloudWatch metric dimension)."
  value       = aws_lb_target_group.alternate.arn_suffix
}

output "production_listener_rule_arn" {
  description = "The HTTPS listener's rule that ECS shifts production traffic with."
  value       = aws_lb_listener_rule.production.arn
}

output "test_listener_rule_arn" {
  description = "The test listener's rule that sends test traffic to the task set being deployed."
  value       = aws_lb_listener_rule.test.arn
}

output "test_listener_port" {
  description = "Port of the test listener."
  value       = aws_lb_listener.test.port
}

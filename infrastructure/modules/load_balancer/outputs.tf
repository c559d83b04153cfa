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
  description = "The target group the ECS service registers its tasks in."
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

output "public_url" {
  description = "Where Caja answers once DNS is set up."
  value       = module.caja.public_url
}

output "load_balancer_dns_name" {
  description = "DNS target for public_hostname."
  value       = module.caja.load_balancer_dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone of the load balancer (Route 53 alias)."
  value       = module.caja.load_balancer_zone_id
}

output "static_distribution_domain_name" {
  description = "DNS target for static_hostname."
  value       = module.caja.static_distribution_domain_name
}

output "static_distribution_id" {
  description = "CloudFront distribution of the static assets."
  value       = module.caja.static_distribution_id
}

output "static_bucket_name" {
  description = "Bucket for the built web UI's assets."
  value       = module.caja.static_bucket_name
}

output "static_base_url" {
  description = "ASSET_BASE_URL to build the image with."
  value       = module.caja.static_base_url
}

output "ecs_cluster_name" {
  description = "ECS cluster."
  value       = module.caja.ecs_cluster_name
}

output "ecs_service_name" {
  description = "ECS service."
  value       = module.caja.ecs_service_name
}

output "task_definition_family" {
  description = "Task definition family for one-off tasks."
  value       = module.caja.task_definition_family
}

output "private_subnet_ids" {
  description = "Subnets for one-off tasks."
  value       = module.caja.private_subnet_ids
}

output "tasks_security_group_id" {
  description = "Security group for one-off tasks."
  value       = module.caja.tasks_security_group_id
}

output "app_log_group_name" {
  description = "CloudWatch log group of the app."
  value       = module.caja.app_log_group_name
}

output "database_instance_id" {
  description = "RDS instance identifier."
  value       = module.caja.database_instance_id
}

output "database_secret_arn" {
  description = "RDS-managed master password secret."
  value       = module.caja.database_secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic of the CloudWatch alarms."
  value       = module.caja.alarm_topic_arn
}

output "edge_domain_name" {
  description = "With edge set: the CloudFront domain to point public_hostname at."
  value       = module.caja.edge_domain_name
}

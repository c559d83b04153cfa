output "public_url" {
  description = "Where Caja answers once DNS points public_hostname at the load balancer."
  value       = local.public_url
}

output "load_balancer_dns_name" {
  description = "Point public_hostname here (CNAME, or a Route 53 alias with load_balancer_zone_id)."
  value       = module.load_balancer.dns_name
}

output "load_balancer_zone_id" {
  description = "Hosted zone of the load balancer, for a Route 53 alias record."
  value       = module.load_balancer.zone_id
}

output "static_distribution_domain_name" {
  description = "Point static_hostname here (CNAME, or a Route 53 alias)."
  value       = module.static_assets.distribution_domain_name
}

output "static_distribution_id" {
  description = "CloudFront distribution of the static assets."
  value       = module.static_assets.distribution_id
}

output "static_bucket_name" {
  description = "Bucket the built web UI's assets are synced to."
  value       = module.static_assets.bucket_name
}

output "static_base_url" {
  description = "Base URL to build the web UI with (ASSET_BASE_URL build argument)."
  value       = module.static_assets.base_url
}

output "ecs_cluster_name" {
  description = "ECS cluster."
  value       = module.service.cluster_name
}

output "ecs_service_name" {
  description = "ECS service."
  value       = module.service.service_name
}

output "task_definition_family" {
  description = "Task definition family for one-off tasks (create-admin)."
  value       = module.service.task_definition_family
}

output "private_subnet_ids" {
  description = "Subnets for one-off tasks."
  value       = module.network.private_subnet_ids
}

output "tasks_security_group_id" {
  description = "Security group for one-off tasks."
  value       = module.security_groups.tasks_security_group_id
}

output "app_log_group_name" {
  description = "CloudWatch log group of the app."
  value       = module.service.log_group_name
}

output "database_instance_id" {
  description = "RDS instance identifier."
  value       = module.database.instance_id
}

output "database_secret_arn" {
  description = "RDS-managed secret with the master password."
  value       = module.database.master_user_secret_arn
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.monitoring.alarm_topic_arn
}

output "media_bucket_name" {
  description = "Bucket of the uploaded images (served by the static distribution under /media/)."
  value       = module.media.bucket_name
}

output "test_listener_url" {
  description = "Blue/green: where the release being deployed answers before it gets traffic (from test_listener_cidrs)."
  value       = "https://${var.public_hostname}:${module.load_balancer.test_listener_port}"
}

output "edge_domain_name" {
  description = "With edge set: point public_hostname at this CloudFront domain instead of the load balancer (and edge.origin_hostname at the load balancer)."
  value       = one(module.edge[*].domain_name)
}

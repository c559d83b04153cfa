output "cluster_name" {
  description = "The ECS cluster."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "The ECS service."
  value       = aws_ecs_service.app.name
}

output "task_definition_family" {
  description = "Task definition family (for one-off tasks such as create-admin)."
  value       = aws_ecs_task_definition.app.family
}

output "log_group_name" {
  description = "CloudWatch log group of the app."
  value       = aws_cloudwatch_log_group.app.name
}

output "secret_key_secret_arn" {
  description = "Secrets Manager secret holding CAJA_SECRET_KEY."
  value       = aws_secretsmanager_secret.secret_key.arn
}

output "execution_role_arn" {
  description = "The task execution role."
  value       = aws_iam_role.execution.arn
}

output "task_role_arn" {
  description = "The task role (no permissions)."
  value       = aws_iam_role.task.arn
}

output "load_balancer_role_arn" {
  description = "The role ECS assumes to shift traffic during blue/green deployments."
  value       = aws_iam_role.load_balancer.arn
}

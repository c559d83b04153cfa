output "instance_id" {
  description = "The RDS instance identifier (for the aws rds commands in docs/deploy.md)."
  value       = aws_db_instance.this.identifier
}

output "address" {
  description = "The instance's DNS name; it follows the primary across a Multi-AZ failover."
  value       = aws_db_instance.this.address
}

output "port" {
  description = "The PostgreSQL port."
  value       = aws_db_instance.this.port
}

output "database_name" {
  description = "The application database."
  value       = aws_db_instance.this.db_name
}

output "master_username" {
  description = "The master user (the password is in the secret master_user_secret_arn)."
  value       = aws_db_instance.this.username
}

output "master_user_secret_arn" {
  description = "Secrets Manager secret (JSON with username and password) that RDS manages and rotates."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "deletion_protected" {
  description = "Whether the instance refuses deletion (always true in production)."
  value       = aws_db_instance.this.deletion_protection
}

variable "name" {
  description = "Identifier of the RDS instance and prefix of its related resources."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,50}$", var.name))
    error_message = "name must be lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "subnet_ids" {
  description = "Isolated database subnets, in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "RDS Multi-AZ needs subnets in at least two availability zones."
  }
}

variable "security_group_id" {
  description = "Security group of the instance (admits the ECS tasks only)."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for storage, Performance Insights, the master password secret and the exported logs."
  type        = string
}

variable "engine_version" {
  description = "PostgreSQL major version (minor versions are upgraded automatically in the maintenance window)."
  type        = string
  default     = "16"

  validation {
    condition     = contains(["15", "16", "17"], var.engine_version)
    error_message = "engine_version must be a supported PostgreSQL major version: 15, 16 or 17."
  }
}

variable "instance_class" {
  description = "RDS instance class, e.g. db.t4g.medium for staging, db.m7g.large for production. Raise it before a large event (docs/deploy.md)."
  type        = string

  validation {
    condition     = can(regex("^db\\.[a-z0-9]+\\.[a-z0-9]+$", var.instance_class))
    error_message = "instance_class must look like db.<family>.<size>, e.g. db.m7g.large."
  }
}

variable "allocated_storage_gb" {
  description = "Initial storage in GiB (gp3)."
  type        = number
  default     = 50

  validation {
    condition     = var.allocated_storage_gb >= 20 && var.allocated_storage_gb <= 16384
    error_message = "allocated_storage_gb must be between 20 and 16384."
  }
}

variable "max_allocated_storage_gb" {
  description = "Storage autoscaling ceiling in GiB."
  type        = number
  default     = 500
}

variable "database_name" {
  description = "Name of the application database."
  type        = string
  default     = "caja"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,62}$", var.database_name))
    error_message = "database_name must be a lowercase PostgreSQL identifier."
  }
}

variable "master_username" {
  description = "Master user name; its password is generated and rotated by RDS in Secrets Manager, never stored in Terraform."
  type        = string
  default     = "caja"

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,15}$", var.master_username)) && !contains(["admin", "postgres", "rdsadmin"], var.master_username)
    error_message = "master_username must be a lowercase identifier of at most 16 characters and not a reserved name."
  }
}

variable "backup_retention_days" {
  description = "Days of automated backups, which is also the point-in-time recovery window."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 7 and 35 (point-in-time recovery needs backups)."
  }
}

variable "deletion_protection" {
  description = "Refuse to delete the instance (must be true in production)."
  type        = bool
  default     = true
}

variable "max_connections" {
  description = "PostgreSQL max_connections. Each task opens at most its pool size plus overflow; keep tasks x pool below this (docs/deploy.md)."
  type        = number
  default     = 400

  validation {
    condition     = var.max_connections >= 50 && var.max_connections <= 5000
    error_message = "max_connections must be between 50 and 5000."
  }
}

variable "log_retention_days" {
  description = "Retention of the PostgreSQL logs exported to CloudWatch Logs."
  type        = number
  default     = 365
}

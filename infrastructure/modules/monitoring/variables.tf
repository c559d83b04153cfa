variable "name" {
  description = "Prefix of the alarm names and the SNS topic, e.g. caja-production."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the alarm topic."
  type        = string
}

variable "alarm_emails" {
  description = "Addresses that receive the alarms (each must confirm the SNS subscription mail)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "load_balancer_arn_suffix" {
  description = "ARN suffix of the load balancer (CloudWatch dimension)."
  type        = string
}

variable "target_group_arn_suffix" {
  description = "ARN suffix of the target group (CloudWatch dimension)."
  type        = string
}

variable "alternate_target_group_arn_suffix" {
  description = "The blue/green alternate target group's ARN suffix (CloudWatch metric dimension)."
  type        = string
}

variable "min_healthy_tasks" {
  description = "Alarm when fewer healthy targets than this remain (the service's minimum)."
  type        = number
}

variable "database_instance_id" {
  description = "RDS instance identifier."
  type        = string
}

variable "database_max_connections" {
  description = "PostgreSQL max_connections; the alarm fires at 80% of it."
  type        = number
}

variable "database_allocated_storage_gb" {
  description = "Allocated storage; the alarm fires below 10% free."
  type        = number
}

variable "response_time_p95_seconds" {
  description = "Alarm when the 95th percentile response time stays above this."
  type        = number
  default     = 1.5

  validation {
    condition     = var.response_time_p95_seconds > 0 && var.response_time_p95_seconds < 60
    error_message = "response_time_p95_seconds must be between 0 and 60."
  }
}

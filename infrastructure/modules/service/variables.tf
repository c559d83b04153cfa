variable "name" {
  description = "Name of the ECS cluster and service, and prefix of related resources."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}$", var.name))
    error_message = "name must be 2-31 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "image" {
  description = "Container image, pinned by digest or an immutable tag (e.g. <account>.dkr.ecr.<region>.amazonaws.com/caja:1.4.0)."
  type        = string

  validation {
    condition     = length(regexall(":latest$", var.image)) == 0 && (strcontains(var.image, "@sha256:") || strcontains(split("/", var.image)[length(split("/", var.image)) - 1], ":"))
    error_message = "image must carry an explicit tag other than latest, or a digest, so that a deployment is reproducible and can be rolled back."
  }
}

variable "cpu" {
  description = "Task CPU units (1024 = 1 vCPU)."
  type        = number
  default     = 1024

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096, 8192, 16384], var.cpu)
    error_message = "cpu must be a Fargate size: 256, 512, 1024, 2048, 4096, 8192 or 16384."
  }
}

variable "memory" {
  description = "Task memory in MiB (must be valid for the chosen cpu on Fargate)."
  type        = number
  default     = 2048

  validation {
    condition     = var.memory >= 512 && var.memory <= 122880
    error_message = "memory must be between 512 and 122880 MiB."
  }
}

variable "desired_count" {
  description = "Tasks at creation. Afterwards autoscaling owns the count (Terraform ignores drift); pre-scale for events with min_capacity."
  type        = number
  default     = 2
}

variable "min_capacity" {
  description = "Fewest tasks autoscaling may run. Raise it before a large event (docs/deploy.md)."
  type        = number
  default     = 2

  validation {
    condition     = var.min_capacity >= 1
    error_message = "min_capacity must be at least 1 (2 or more in production, one per availability zone)."
  }
}

variable "max_capacity" {
  description = "Most tasks autoscaling may run. Keep max_capacity x per-task pool below the database's max_connections."
  type        = number
  default     = 10
}

variable "cpu_target_percent" {
  description = "Average CPU utilisation the service scales to."
  type        = number
  default     = 60

  validation {
    condition     = var.cpu_target_percent >= 20 && var.cpu_target_percent <= 90
    error_message = "cpu_target_percent must be between 20 and 90."
  }
}

variable "memory_target_percent" {
  description = "Average memory utilisation the service scales to."
  type        = number
  default     = 70

  validation {
    condition     = var.memory_target_percent >= 20 && var.memory_target_percent <= 90
    error_message = "memory_target_percent must be between 20 and 90."
  }
}

variable "app_port" {
  description = "The port the container listens on."
  type        = number
  default     = 8000
}

variable "subnet_ids" {
  description = "Private subnets for the tasks."
  type        = list(string)
}

variable "security_group_id" {
  description = "Security group of the tasks."
  type        = string
}

variable "target_group_arn" {
  description = "Load balancer target group the first task set registers in (blue/green: the primary)."
  type        = string
}

variable "alternate_target_group_arn" {
  description = "The second target group, for the task set a blue/green deployment starts."
  type        = string
}

variable "production_listener_rule_arn" {
  description = "The HTTPS listener's rule whose weights ECS moves to shift production traffic."
  type        = string
}

variable "test_listener_rule_arn" {
  description = "The test listener's rule that reaches the task set being deployed."
  type        = string
}

variable "bake_time_minutes" {
  description = "Minutes the previous task set keeps running after production traffic has moved to the new one: a rollback in that time is a traffic shift, not a restart."
  type        = number
  default     = 10

  validation {
    condition     = var.bake_time_minutes >= 1 && var.bake_time_minutes <= 1440 && floor(var.bake_time_minutes) == var.bake_time_minutes
    error_message = "bake_time_minutes must be a whole number of minutes from 1 to 1440."
  }
}

variable "deployment_alarm_names" {
  description = "CloudWatch alarms that roll a deployment back when they fire before it completes."
  type        = list(string)
  default     = []
}

variable "listener_arn" {
  description = "The HTTPS listener; the service is created after it so registration succeeds."
  type        = string
}

variable "public_url" {
  description = "Public base URL of Caja (CAJA_PUBLIC_URL), e.g. https://caja.example.org; join links and QR codes use it."
  type        = string

  validation {
    condition     = can(regex("^https://[a-z0-9.-]+[a-z0-9](:[0-9]+)?$", var.public_url))
    error_message = "public_url must be an https:// URL with no trailing slash or path."
  }
}

variable "trusted_proxy_cidrs" {
  description = "Where X-Forwarded-For/-Proto are trusted from (CAJA_FORWARDED_ALLOW_IPS): the load balancer's public subnets."
  type        = list(string)

  validation {
    condition     = length(var.trusted_proxy_cidrs) > 0 && alltrue([for c in var.trusted_proxy_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "trusted_proxy_cidrs must be a non-empty list of CIDRs and must not trust everybody (0.0.0.0/0)."
  }
}

variable "database" {
  description = "Where the app connects: host, port, database name and user. The password comes from password_secret_arn."
  type = object({
    host     = string
    port     = number
    name     = string
    username = string
  })
}

variable "database_password_secret_arn" {
  description = "The RDS-managed master secret (JSON with a password key); injected as PGPASSWORD, which psycopg/libpq reads."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key of the secrets and the log group."
  type        = string
}

variable "static_url" {
  description = "Base URL of the CloudFront distribution for the static assets (CAJA_STATIC_URL), or empty."
  type        = string
  default     = ""
}

variable "extra_environment" {
  description = "More CAJA_* settings for the container (non-secret), e.g. { CAJA_LOG_LEVEL = \"info\" }."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for k in keys(var.extra_environment) : can(regex("^CAJA_[A-Z0-9_]+$", k)) && !contains(["CAJA_SECRET_KEY", "CAJA_DATABASE_URL"], k)])
    error_message = "extra_environment keys must be CAJA_* settings, and never CAJA_SECRET_KEY or CAJA_DATABASE_URL (those come from Secrets Manager and the database module)."
  }
}

variable "log_retention_days" {
  description = "Retention of the application logs in CloudWatch Logs."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be one of the values CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "environment" {
  description = "Which environment this is: staging or production."
  type        = string

  validation {
    condition     = contains(["staging", "production"], var.environment)
    error_message = "environment must be staging or production."
  }
}

variable "name_prefix" {
  description = "Prefix of every resource name; the environment is appended (caja-staging, caja-production)."
  type        = string
  default     = "caja"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,10}$", var.name_prefix))
    error_message = "name_prefix must be 2-11 lowercase letters, digits or hyphens."
  }
}

variable "vpc_cidr" {
  description = "IPv4 range of the environment's VPC."
  type        = string
}

variable "az_count" {
  description = "Availability zones to use (at least 2)."
  type        = number
  default     = 2
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of one per availability zone (cheaper; staging)."
  type        = bool
  default     = false
}

variable "public_hostname" {
  description = "Host name audiences and admins open, e.g. caja.example.org (DNS points it at the load balancer)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.public_hostname))
    error_message = "public_hostname must be a lowercase DNS name without scheme or path."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for public_hostname, in the environment's region (for the load balancer)."
  type        = string
}

variable "static_hostname" {
  description = "Host name of the static assets distribution, e.g. static.caja.example.org."
  type        = string
}

variable "static_certificate_arn" {
  description = "ACM certificate for static_hostname in us-east-1 (for CloudFront)."
  type        = string
}

variable "edge" {
  description = "CloudFront in front of public_hostname, caching only the shared live documents for 1 s (modules/edge); null: the load balancer serves public_hostname itself. origin_hostname is a name of the load balancer its certificate covers; certificate_arn is for public_hostname, in us-east-1."
  type = object({
    origin_hostname = string
    certificate_arn = string
  })
  default = null

  validation {
    condition     = var.edge == null || can(regex("^arn:aws:acm:us-east-1:", var.edge.certificate_arn))
    error_message = "CloudFront only uses ACM certificates from us-east-1: edge.certificate_arn must be there."
  }
}

variable "image" {
  description = "Caja container image with an immutable tag or digest, from the ECR repository created in infrastructure/shared."
  type        = string
}

variable "task_cpu" {
  description = "CPU units per task (1024 = 1 vCPU)."
  type        = number
  default     = 1024
}

variable "task_memory" {
  description = "Memory per task in MiB."
  type        = number
  default     = 2048
}

variable "min_tasks" {
  description = "Fewest tasks; raise before a large event (docs/deploy.md)."
  type        = number
  default     = 2
}

variable "max_tasks" {
  description = "Most tasks autoscaling may start."
  type        = number
  default     = 10
}

variable "database_instance_class" {
  description = "RDS instance class; raise before a large event (docs/deploy.md)."
  type        = string
}

variable "database_allocated_storage_gb" {
  description = "Initial database storage in GiB."
  type        = number
  default     = 50
}

variable "database_max_connections" {
  description = "PostgreSQL max_connections."
  type        = number
  default     = 400

  # Each task holds up to database_pool_size + 10 (overflow) + 1 (LISTEN) connections, and a
  # blue/green deployment runs two full task sets at once; 10 stay for maintenance sessions.
  validation {
    condition     = 2 * var.max_tasks * (var.database_pool_size + 11) + 10 <= var.database_max_connections
    error_message = "2 x max_tasks x (database_pool_size + 11) + 10 must not exceed database_max_connections: during a blue/green deployment both task sets hold connections (docs/deploy.md, \"Running out of connections\")."
  }
}

variable "database_pool_size" {
  description = "Database connections each task keeps (CAJA_DB_POOL_SIZE); it may open 10 more for a moment."
  type        = number
  default     = 8

  validation {
    condition     = var.database_pool_size >= 6 && floor(var.database_pool_size) == var.database_pool_size
    error_message = "database_pool_size must be a whole number of at least 6: with the overflow it must cover the app's 16 concurrent database requests."
  }
}

variable "database_backup_retention_days" {
  description = "Automated backup retention = point-in-time recovery window, in days."
  type        = number
  default     = 14
}

variable "database_deletion_protection" {
  description = "Protect the database from deletion. Always on in production whatever this says."
  type        = bool
  default     = true
}

variable "load_balancer_deletion_protection" {
  description = "Protect the load balancer from deletion."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of application, database, WAF and flow logs in CloudWatch Logs."
  type        = number
  default     = 365
}

variable "access_log_retention_days" {
  description = "Retention of the ALB, CloudFront and S3 access logs in S3."
  type        = number
  default     = 365
}

variable "force_destroy_buckets" {
  description = "Let `terraform destroy` empty the log and assets buckets (staging only)."
  type        = bool
  default     = false

  validation {
    condition     = var.force_destroy_buckets == false || var.environment != "production"
    error_message = "force_destroy_buckets must stay false in production."
  }
}

variable "alarm_emails" {
  description = "Who receives the CloudWatch alarms by e-mail (each confirms the subscription)."
  type        = list(string)
  default     = []
}

variable "extra_environment" {
  description = "More CAJA_* settings for the app container."
  type        = map(string)
  default     = {}
}

variable "bake_time_minutes" {
  description = "Blue/green: minutes the previous release keeps running after the new one took all traffic (a rollback in that time is instant)."
  type        = number
  default     = 10

  validation {
    condition     = var.bake_time_minutes >= 1 && var.bake_time_minutes <= 1440 && floor(var.bake_time_minutes) == var.bake_time_minutes
    error_message = "bake_time_minutes must be a whole number of minutes from 1 to 1440."
  }
}

variable "test_listener_port" {
  description = "Blue/green: port of the HTTPS test listener that reaches the release being deployed."
  type        = number
  default     = 8443
}

variable "test_listener_cidrs" {
  description = "Blue/green: networks that may reach the test listener (an office, a VPN, CI). None by default."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.test_listener_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "test_listener_cidrs must be IPv4 CIDRs, and not 0.0.0.0/0: the test listener serves the release that is not live yet."
  }
}

variable "name" {
  description = "Name of the load balancer and prefix of its related resources (at most 24 characters)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,23}$", var.name))
    error_message = "name must be 2-24 lowercase letters, digits or hyphens (the target group name adds a suffix within AWS's 32-character limit)."
  }
}

variable "vpc_id" {
  description = "The VPC of the target group."
  type        = string
}

variable "public_subnet_ids" {
  description = "Public subnets in at least two availability zones."
  type        = list(string)

  validation {
    condition     = length(var.public_subnet_ids) >= 2
    error_message = "An application load balancer needs subnets in at least two availability zones."
  }
}

variable "security_group_id" {
  description = "Security group of the load balancer."
  type        = string
}

variable "certificate_arn" {
  description = "ARN of the ACM certificate for the public host name (in the same region as the load balancer)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)."
  }
}

variable "ssl_policy" {
  description = "TLS policy of the HTTPS listener."
  type        = string
  default     = "ELBSecurityPolicy-TLS13-1-2-2021-06"

  validation {
    condition     = startswith(var.ssl_policy, "ELBSecurityPolicy-TLS13-")
    error_message = "Use a TLS 1.3 policy (ELBSecurityPolicy-TLS13-*), which also refuses TLS 1.0 and 1.1."
  }
}

variable "app_port" {
  description = "The port the Caja container listens on."
  type        = number
  default     = 8000
}

variable "idle_timeout_seconds" {
  description = "Idle connection timeout. Must stay below the app's keep-alive timeout (75 s in the Dockerfile)."
  type        = number
  default     = 60

  validation {
    condition     = var.idle_timeout_seconds >= 1 && var.idle_timeout_seconds < 75
    error_message = "idle_timeout_seconds must be below the app's 75 s keep-alive, or the ALB may reuse a connection the app has just closed (502s)."
  }
}

variable "health_check_path" {
  description = "Path the load balancer probes on each task: readiness, including the database."
  type        = string
  default     = "/readyz"
}

variable "deletion_protection" {
  description = "Refuse to delete the load balancer."
  type        = bool
  default     = true
}

variable "access_log_bucket" {
  description = "Name of the access-log bucket (the log_bucket module); logs go under alb/."
  type        = string
}

variable "kms_key_arn" {
  description = "KMS key for the WAF log group."
  type        = string
}

variable "log_retention_days" {
  description = "Retention of the WAF logs in CloudWatch Logs."
  type        = number
  default     = 365
}

variable "test_listener_port" {
  description = "Port of the HTTPS test listener, where a blue/green deployment's new task set answers before it gets production traffic."
  type        = number
  default     = 8443

  validation {
    condition     = var.test_listener_port != 443 && var.test_listener_port != 80 && var.test_listener_port > 0 && var.test_listener_port < 65536
    error_message = "test_listener_port must be a port other than 80 and 443."
  }
}

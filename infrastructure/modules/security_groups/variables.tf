variable "name" {
  description = "Prefix for the security groups' names."
  type        = string
}

variable "vpc_id" {
  description = "The VPC the security groups belong to."
  type        = string
}

variable "app_port" {
  description = "The port the Caja container listens on."
  type        = number
  default     = 8000

  validation {
    condition     = var.app_port > 1024 && var.app_port < 65536
    error_message = "app_port must be an unprivileged port (1025-65535): the container runs as a non-root user."
  }
}

variable "database_port" {
  description = "The PostgreSQL port."
  type        = number
  default     = 5432
}

variable "test_listener_port" {
  description = "Port of the load balancer's blue/green test listener."
  type        = number
  default     = 8443
}

variable "test_listener_cidrs" {
  description = "Networks that may reach the blue/green test listener (none by default)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.test_listener_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "test_listener_cidrs must be IPv4 CIDRs, and not 0.0.0.0/0: the test listener serves the release that is not live yet."
  }
}

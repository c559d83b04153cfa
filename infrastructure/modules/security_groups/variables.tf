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

variable "name" {
  description = "Name of the key's alias (alias/<name>) and prefix for its description."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z0-9/_-]{1,200}$", var.name))
    error_message = "name may contain only letters, digits, '/', '_' and '-'."
  }
}

variable "deletion_window_in_days" {
  description = "Days a scheduled deletion of the key waits before it happens (7-30)."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

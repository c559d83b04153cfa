variable "bucket_name" {
  description = "Globally unique name of the access-log bucket."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "retention_days" {
  description = "Days access logs are kept before they expire."
  type        = number
  default     = 365

  validation {
    condition     = var.retention_days >= 30
    error_message = "Keep access logs at least 30 days."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds logs (staging only)."
  type        = bool
  default     = false
}

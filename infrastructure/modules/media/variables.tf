variable "name" {
  description = "Prefix of the media resources' names."
  type        = string
}

variable "bucket_name" {
  description = "Globally unique name of the private bucket that holds uploaded images."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "prefix" {
  description = "Key prefix of the images; the distribution serves it as the path /<prefix>."
  type        = string
  default     = "media/"

  validation {
    condition     = can(regex("^[a-z0-9-]+/$", var.prefix))
    error_message = "prefix must be lowercase letters, digits or hyphens ending with one slash, e.g. media/."
  }
}

variable "task_role_arn" {
  description = "The ECS task role of the app: it gets put/get on the prefix and nothing else."
  type        = string
}

variable "distribution_arn" {
  description = "The CloudFront distribution that serves the images (the only reader besides the app)."
  type        = string
}

variable "public_base_url" {
  description = "https:// URL the images are served from, without a trailing slash (CAJA_MEDIA_URL)."
  type        = string

  validation {
    condition     = can(regex("^https://[^/]+(/.*[^/])?$", var.public_base_url))
    error_message = "public_base_url must be an https:// URL without a trailing slash."
  }
}

variable "access_log_bucket" {
  description = "Name of the access-log bucket (S3 server access logs go under s3/<bucket>/)."
  type        = string
}

variable "noncurrent_version_days" {
  description = "How long a deleted or replaced image's old version is kept."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds images (staging only)."
  type        = bool
  default     = false
}

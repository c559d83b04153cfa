variable "aws_region" {
  description = "Region of the state bucket, lock table and image repository."
  type        = string
  default     = "eu-central-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as eu-central-1."
  }
}

variable "lock_table_name" {
  description = "DynamoDB table for Terraform state locks (the environments' backend blocks name it)."
  type        = string
  default     = "caja-terraform-locks"
}

variable "repository_name" {
  description = "ECR repository of the Caja image, shared by staging and production (an image is promoted, not rebuilt)."
  type        = string
  default     = "caja"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9._/-]{1,255}$", var.repository_name))
    error_message = "repository_name must be a valid ECR repository name (lowercase)."
  }
}

variable "untagged_image_days" {
  description = "Days before untagged images are removed from the repository."
  type        = number
  default     = 14

  validation {
    condition     = var.untagged_image_days >= 1
    error_message = "untagged_image_days must be at least 1."
  }
}

variable "kept_image_count" {
  description = "How many tagged images to keep (older ones are removed; keep enough to roll back)."
  type        = number
  default     = 50

  validation {
    condition     = var.kept_image_count >= 10
    error_message = "Keep at least 10 images so that rolling back stays possible."
  }
}

variable "name" {
  description = "Prefix of the distribution's related resources."
  type        = string
}

variable "bucket_name" {
  description = "Globally unique name of the private bucket that holds the built web UI's assets."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)."
  }
}

variable "domain_name" {
  description = "Host name the assets are served from, e.g. static.caja.example.org."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$", var.domain_name))
    error_message = "domain_name must be a lowercase DNS name."
  }
}

variable "certificate_arn" {
  description = "ACM certificate for domain_name. CloudFront only uses certificates from us-east-1."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:acm:us-east-1:[0-9]{12}:certificate/.+$", var.certificate_arn))
    error_message = "certificate_arn must be an ACM certificate in us-east-1 (CloudFront's requirement)."
  }
}

variable "app_origin" {
  description = "The app's public URL (CAJA_PUBLIC_URL): the only origin allowed to load the assets cross-origin (CORS)."
  type        = string

  validation {
    condition     = can(regex("^https://[^/]+$", var.app_origin))
    error_message = "app_origin must be an https:// origin with no path."
  }
}

variable "access_log_bucket_domain_name" {
  description = "Domain name of the access-log bucket; CloudFront logs go under cloudfront/, S3 access logs under s3/."
  type        = string
}

variable "access_log_bucket" {
  description = "Name of the access-log bucket."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class: PriceClass_100 (North America, Europe), PriceClass_200 or PriceClass_All."
  type        = string
  default     = "PriceClass_100"

  validation {
    condition     = contains(["PriceClass_100", "PriceClass_200", "PriceClass_All"], var.price_class)
    error_message = "price_class must be PriceClass_100, PriceClass_200 or PriceClass_All."
  }
}

variable "force_destroy" {
  description = "Allow `terraform destroy` to delete a bucket that still holds assets (staging only)."
  type        = bool
  default     = false
}

variable "media_origin" {
  description = "Uploaded images to serve too (modules/media): the bucket's regional domain name and the path pattern (media/*). Null for none."
  type = object({
    domain_name  = string
    path_pattern = string
  })
  default = null
}

variable "name" {
  description = "Name prefix of the environment (e.g. caja-production)."
  type        = string
}

variable "domain_name" {
  description = "The app's public host name, served by this distribution (e.g. caja.example.org)."
  type        = string
}

variable "origin_hostname" {
  description = "A host name of the load balancer that its certificate covers (e.g. origin.caja.example.org): CloudFront's origin."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for domain_name, in us-east-1 (CloudFront's region)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws:acm:us-east-1:", var.certificate_arn))
    error_message = "CloudFront only uses ACM certificates from us-east-1."
  }
}

variable "access_log_bucket_domain_name" {
  description = "The access log bucket's domain name (CloudFront standard logs)."
  type        = string
}

variable "price_class" {
  description = "CloudFront price class."
  type        = string
  default     = "PriceClass_100"
}

variable "live_path_pattern" {
  description = "The shared live documents' paths (the only cached behaviour)."
  type        = string
  default     = "/api/live/*"
}

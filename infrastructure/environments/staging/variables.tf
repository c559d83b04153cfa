variable "aws_region" {
  description = "AWS region of this environment (the backend block in versions.tf names it too)."
  type        = string
  default     = "eu-central-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.aws_region))
    error_message = "aws_region must be a region name such as eu-central-1."
  }
}

variable "public_hostname" {
  description = "Host name of Caja, e.g. caja.example.org."
  type        = string
}

variable "certificate_arn" {
  description = "ACM certificate for public_hostname in aws_region."
  type        = string
}

variable "static_hostname" {
  description = "Host name of the static assets, e.g. static.caja.example.org."
  type        = string
}

variable "static_certificate_arn" {
  description = "ACM certificate for static_hostname in us-east-1 (CloudFront)."
  type        = string
}

variable "image" {
  description = "Image to run: <account>.dkr.ecr.<region>.amazonaws.com/caja:<tag> (immutable tag or @sha256 digest)."
  type        = string
}

variable "alarm_emails" {
  description = "E-mail addresses that receive the CloudWatch alarms (each confirms the subscription)."
  type        = list(string)
  default     = []
}

variable "edge" {
  description = "CloudFront in front of public_hostname for the shared live documents (see the stack's edge and docs/deploy.md); null: none."
  type = object({
    origin_hostname = string
    certificate_arn = string
  })
  default = null
}

output "bucket_name" {
  description = "The media bucket."
  value       = aws_s3_bucket.media.bucket
}

output "bucket_regional_domain_name" {
  description = "The bucket's regional domain name: the distribution's media origin."
  value       = aws_s3_bucket.media.bucket_regional_domain_name
}

output "path_pattern" {
  description = "The distribution's path pattern for the media origin (the prefix)."
  value       = "${var.prefix}*"
}

output "kms_key_arn" {
  description = "The bucket's encryption key."
  value       = aws_kms_key.media.arn
}

output "environment" {
  description = "The CAJA_MEDIA_* settings that make the app store images here."
  value = {
    CAJA_MEDIA_BACKEND   = "s3"
    CAJA_MEDIA_S3_BUCKET = aws_s3_bucket.media.bucket
    CAJA_MEDIA_S3_PREFIX = var.prefix
    CAJA_MEDIA_S3_REGION = data.aws_region.current.name
    CAJA_MEDIA_URL       = var.public_base_url
  }
}

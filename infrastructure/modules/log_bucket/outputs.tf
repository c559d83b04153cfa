output "bucket_name" {
  description = "Name of the access-log bucket."
  value       = aws_s3_bucket.this.bucket
}

output "bucket_domain_name" {
  description = "Domain name of the bucket (CloudFront's logging_config wants this)."
  value       = aws_s3_bucket.this.bucket_domain_name
}

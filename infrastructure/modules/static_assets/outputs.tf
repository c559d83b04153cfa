output "bucket_name" {
  description = "The assets bucket: `aws s3 sync` the built UI here (docs/deploy.md)."
  value       = aws_s3_bucket.assets.bucket
}

output "distribution_id" {
  description = "The CloudFront distribution (for invalidations)."
  value       = aws_cloudfront_distribution.assets.id
}

output "distribution_arn" {
  description = "The CloudFront distribution's ARN (bucket and key policies name it as the only reader)."
  value       = aws_cloudfront_distribution.assets.arn
}

output "distribution_domain_name" {
  description = "The distribution's *.cloudfront.net name: point domain_name at it (CNAME or alias)."
  value       = aws_cloudfront_distribution.assets.domain_name
}

output "distribution_hosted_zone_id" {
  description = "CloudFront's hosted zone id, for a Route 53 alias record."
  value       = aws_cloudfront_distribution.assets.hosted_zone_id
}

output "base_url" {
  description = "https:// URL the assets are served from (build the UI with it as its base)."
  value       = "https://${var.domain_name}/"
}

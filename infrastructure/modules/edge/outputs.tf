locals {
  key = aws_cloudfront_cache_policy.live.parameters_in_cache_key_and_forwarded_to_origin[0]
}

output "domain_name" {
  description = "The distribution's domain name: point the public host name at it (alias record or CNAME)."
  value       = aws_cloudfront_distribution.app.domain_name
}

output "live_cache" {
  description = "How the shared live documents are cached: path, TTLs and what is in the key."
  value = {
    path_pattern  = var.live_path_pattern
    min_ttl       = aws_cloudfront_cache_policy.live.min_ttl
    default_ttl   = aws_cloudfront_cache_policy.live.default_ttl
    max_ttl       = aws_cloudfront_cache_policy.live.max_ttl
    headers       = local.key.headers_config[0].header_behavior
    cookies       = local.key.cookies_config[0].cookie_behavior
    query_strings = local.key.query_strings_config[0].query_strings[0].items
  }
}
